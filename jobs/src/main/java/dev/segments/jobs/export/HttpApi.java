package dev.segments.jobs.export;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.segments.common.config.ExportSettings.Destination;
import io.github.resilience4j.core.IntervalBiFunction;
import io.github.resilience4j.core.functions.Either;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP side of one destination: the JDK's client, the destination's auth headers, a rate
 * limiter pacing requests to the API's documented limit (resilience4j, one permit per {@code period
 * / requests}, so no window of the period sees more than the limit), and retries (resilience4j) of
 * 429s, 5xx and timeouts, waiting as the API's {@link RetryRules} say.
 *
 * <p>Credentials live only in the headers given at construction; nothing here logs a header or a
 * request body.
 */
final class HttpApi {
  private static final Logger LOG = LoggerFactory.getLogger(HttpApi.class);
  static final ObjectMapper JSON = new ObjectMapper();

  /** A response: status, headers (lower-case names), body as JSON (null when empty or not JSON). */
  record Response(int status, Map<String, java.util.List<String>> headers, String text) {
    Optional<String> header(String name) {
      java.util.List<String> v = headers.get(name.toLowerCase(java.util.Locale.ROOT));
      return v == null || v.isEmpty() ? Optional.empty() : Optional.of(v.get(0));
    }

    JsonNode json() {
      if (text == null || text.isBlank()) {
        return JSON.createObjectNode();
      }
      try {
        return JSON.readTree(text);
      } catch (IOException e) {
        return JSON.createObjectNode().put("message", text);
      }
    }

    boolean ok() {
      return status >= 200 && status < 300;
    }

    /** "HTTP 400 VALIDATION_ERROR: message", the parts that are empty left out. */
    String describe(String kind, String message) {
      return "HTTP "
          + status
          + (kind.isEmpty() ? "" : " " + kind)
          + (message.isEmpty() ? "" : ": " + message);
    }
  }

  /** When an API says to wait, how long; when to stop the destination. */
  interface RetryRules {
    /** The wait before the next attempt, or empty if this response is final (success or not). */
    Optional<Duration> retryAfter(Response response, int attempt);

    /** A response that stops the whole destination for this run (HubSpot's DAILY limit). */
    default Optional<String> stopsDestination(Response response) {
      return Optional.empty();
    }
  }

  /** The destination cannot go on this run (e.g. its daily limit is used up). */
  static final class DestinationStopped extends RuntimeException {
    private static final long serialVersionUID = 1L;

    DestinationStopped(String message) {
      super(message);
    }
  }

  private final HttpClient client;
  private final String baseUrl;
  private final Map<String, String> headers;
  private final Duration timeout;
  private final RateLimiter limiter;
  private final RetryConfig retryConfig;
  private final RetryRules rules;
  private final AtomicLong requests = new AtomicLong();
  private final AtomicLong retried = new AtomicLong();

  HttpApi(Destination d, Map<String, String> headers, RetryRules rules) {
    this.baseUrl = d.baseUrl();
    this.headers = Map.copyOf(headers);
    this.timeout = d.timeout();
    this.rules = rules;
    this.client =
        HttpClient.newBuilder()
            .connectTimeout(d.timeout())
            .version(HttpClient.Version.HTTP_1_1)
            .build();
    // One permit per cycle; a permit can be taken at the end of one cycle and the next at the
    // start of the following one, so N + 1 requests span at least N - 1 cycles: with cycles of
    // period / (N - 1), no window of one period sees more than N requests.
    Duration pace = d.rateLimitPeriod().dividedBy(Math.max(1, d.rateLimitRequests() - 1));
    this.limiter =
        RateLimiter.of(
            d.name(),
            RateLimiterConfig.custom()
                .limitForPeriod(1)
                .limitRefreshPeriod(pace.isZero() ? Duration.ofNanos(1000) : pace)
                .timeoutDuration(Duration.ofHours(1))
                .build());
    Duration backoff = d.backoff();
    IntervalBiFunction<Response> interval =
        (attempt, either) -> waitMillis(either, attempt, backoff);
    this.retryConfig =
        RetryConfig.<Response>custom()
            .maxAttempts(d.maxAttempts())
            .intervalBiFunction(interval)
            .retryOnResult(r -> rules.retryAfter(r, 1).isPresent())
            .retryOnException(e -> e instanceof IOException)
            .failAfterMaxAttempts(false)
            .build();
  }

  private long waitMillis(Either<Throwable, Response> either, int attempt, Duration backoff) {
    if (either.isRight()) {
      Optional<Duration> wait = rules.retryAfter(either.get(), attempt);
      if (wait.isPresent()) {
        return Math.max(0, wait.get().toMillis());
      }
    }
    // Timeouts and connection failures: exponential backoff.
    return backoff.toMillis() << Math.min(attempt - 1, 10);
  }

  /** Sends a JSON request (body null: none), retried and paced; the last response. */
  Response send(String method, String path, Object body) {
    String payload;
    try {
      payload = body == null ? null : JSON.writeValueAsString(body);
    } catch (IOException e) {
      throw new IllegalStateException("cannot write a request body", e);
    }
    Retry retry = Retry.of(path, retryConfig);
    int[] attempt = {0};
    try {
      return Retry.decorateCheckedSupplier(
              retry,
              () -> {
                if (attempt[0]++ > 0) {
                  retried.incrementAndGet();
                }
                RateLimiter.waitForPermission(limiter);
                requests.incrementAndGet();
                Response r = exchange(method, path, payload);
                Optional<String> stop = rules.stopsDestination(r);
                if (stop.isPresent()) {
                  throw new DestinationStopped(stop.get());
                }
                return r;
              })
          .get();
    } catch (DestinationStopped e) {
      throw e;
    } catch (IOException e) {
      throw new SendFailed(
          method + " " + path + " failed after " + attempt[0] + " attempts: " + e, e);
    } catch (Throwable e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      throw new SendFailed(method + " " + path + " failed: " + e, e);
    }
  }

  /** A request that failed for good (retries spent on timeouts or connection errors). */
  static final class SendFailed extends RuntimeException {
    private static final long serialVersionUID = 1L;

    SendFailed(String message, Throwable cause) {
      super(message, cause);
    }
  }

  private Response exchange(String method, String path, String payload)
      throws IOException, InterruptedException {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(baseUrl + path))
            .timeout(timeout)
            .header("Accept", "application/json");
    headers.forEach(b::header);
    if (payload != null) {
      b.header("Content-Type", "application/json");
      b.method(method, HttpRequest.BodyPublishers.ofString(payload, StandardCharsets.UTF_8));
    } else {
      b.method(method, HttpRequest.BodyPublishers.noBody());
    }
    try {
      HttpResponse<String> r =
          client.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
      Map<String, java.util.List<String>> h = new java.util.HashMap<>();
      r.headers().map().forEach((k, v) -> h.put(k.toLowerCase(java.util.Locale.ROOT), v));
      if (r.statusCode() == 429 || r.statusCode() >= 500) {
        LOG.info("{} {} answered {}", method, path, r.statusCode());
      }
      return new Response(r.statusCode(), h, r.body());
    } catch (java.net.http.HttpTimeoutException e) {
      LOG.info("{} {} timed out after {}", method, path, timeout);
      throw e;
    }
  }

  long requests() {
    return requests.get();
  }

  long retried() {
    return retried.get();
  }

  /** A retry rule shared by the APIs: 5xx (and 423, 477 at HubSpot) after exponential backoff. */
  static Optional<Duration> serverError(Response r, int attempt, Duration backoff) {
    if (r.status() >= 500 || r.status() == 423 || r.status() == 477) {
      Duration base = r.status() == 423 ? Duration.ofSeconds(2) : backoff;
      return Optional.of(base.multipliedBy(1L << Math.min(attempt - 1, 10)));
    }
    return Optional.empty();
  }

  /** {@code Retry-After} in seconds, if the response has it. */
  static Optional<Duration> retryAfterHeader(Response r) {
    return r.header("Retry-After")
        .flatMap(
            v -> {
              try {
                return Optional.of(Duration.ofMillis((long) (Double.parseDouble(v) * 1000)));
              } catch (NumberFormatException e) {
                return Optional.empty();
              }
            });
  }
}
