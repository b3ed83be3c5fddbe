package dev.segments.jobs.export;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.function.Predicate;

/**
 * A fake API on 127.0.0.1 for the export tests: real HTTP, the documented request and response
 * shapes of the API it stands for (a subclass answers), a log of every request received, and
 * scripted faults: the next matching requests answered with a given status, headers and body,
 * delayed past the client's timeout, or held unanswered (a client killed mid-request).
 */
abstract class FakeApi implements AutoCloseable {
  static final ObjectMapper JSON = new ObjectMapper();

  /** One request as received. */
  record Request(
      long atMillis, String method, String path, Map<String, List<String>> headers, String body) {
    JsonNode json() {
      try {
        return body.isEmpty() ? JSON.createObjectNode() : JSON.readTree(body);
      } catch (IOException e) {
        throw new IllegalStateException("not JSON: " + body, e);
      }
    }

    String header(String name) {
      for (Map.Entry<String, List<String>> e : headers.entrySet()) {
        if (e.getKey().equalsIgnoreCase(name)) {
          return e.getValue().get(0);
        }
      }
      return null;
    }
  }

  /** A scripted answer. */
  record Fault(
      Predicate<Request> when,
      int status,
      Map<String, String> headers,
      String body,
      long delayMs) {}

  record Reply(int status, Map<String, String> headers, String body) {
    static Reply json(int status, Object body) {
      try {
        return new Reply(status, Map.of(), JSON.writeValueAsString(body));
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  private final HttpServer server;
  private final java.util.concurrent.ExecutorService executor = Executors.newFixedThreadPool(8);
  final List<Request> received = java.util.Collections.synchronizedList(new ArrayList<>());
  final List<Request> answered = java.util.Collections.synchronizedList(new ArrayList<>());
  private final Deque<Fault> faults = new ArrayDeque<>();
  private volatile Predicate<Request> hold;
  final CountDownLatch held = new CountDownLatch(1);
  final Map<String, Object> state = new ConcurrentHashMap<>();

  FakeApi() {
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    server.start();
  }

  String baseUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** The next request matching {@code when} gets this answer instead of the API's. */
  synchronized void fail(
      Predicate<Request> when, int status, Map<String, String> headers, String body) {
    faults.add(new Fault(when, status, headers, body, 0));
  }

  /** The next request matching {@code when} is answered after {@code delayMs}. */
  synchronized void delay(Predicate<Request> when, long delayMs) {
    faults.add(new Fault(when, 0, Map.of(), "", delayMs));
  }

  /** Requests matching {@code when} are never answered (the test then kills the client). */
  void holdWhen(Predicate<Request> when) {
    this.hold = when;
  }

  private synchronized Fault takeFault(Request r) {
    for (Fault f : faults) {
      if (f.when().test(r)) {
        faults.remove(f);
        return f;
      }
    }
    return null;
  }

  private void handle(HttpExchange ex) throws IOException {
    String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    String path = ex.getRequestURI().getRawPath();
    if (ex.getRequestURI().getRawQuery() != null) {
      path += "?" + ex.getRequestURI().getRawQuery();
    }
    Request r =
        new Request(
            System.currentTimeMillis(),
            ex.getRequestMethod(),
            path,
            Map.copyOf(ex.getRequestHeaders()),
            body);
    received.add(r);
    Predicate<Request> h = hold;
    if (h != null && h.test(r)) {
      held.countDown();
      try {
        Thread.sleep(600_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return;
    }
    Fault f = takeFault(r);
    Reply reply;
    if (f != null && f.delayMs() > 0) {
      try {
        Thread.sleep(f.delayMs());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      reply = answer(r);
    } else if (f != null) {
      reply = new Reply(f.status(), f.headers(), f.body());
    } else {
      String authProblem = auth(r);
      reply = authProblem != null ? Reply.json(401, Map.of("message", authProblem)) : answer(r);
    }
    if (reply.status() >= 200 && reply.status() < 300) {
      answered.add(r);
    }
    byte[] bytes = reply.body().getBytes(StandardCharsets.UTF_8);
    reply.headers().forEach((k, v) -> ex.getResponseHeaders().add(k, v));
    ex.getResponseHeaders().add("Content-Type", "application/json");
    ex.sendResponseHeaders(reply.status(), bytes.length == 0 ? -1 : bytes.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(bytes);
    } catch (IOException e) {
      // The client gave up (timed out) before the answer: it was never acknowledged.
      answered.remove(r);
    }
  }

  /** Null when the request's credentials are right, else why not. */
  abstract String auth(Request r);

  /** The API's answer. */
  abstract Reply answer(Request r);

  List<Request> received(String method, String pathPrefix) {
    synchronized (received) {
      return received.stream()
          .filter(r -> r.method().equals(method) && r.path().startsWith(pathPrefix))
          .toList();
    }
  }

  List<Request> answered(String method, String pathPrefix) {
    synchronized (answered) {
      return answered.stream()
          .filter(r -> r.method().equals(method) && r.path().startsWith(pathPrefix))
          .toList();
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
