package dev.segments.jobs.pipeline;

import dev.segments.common.UserError;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One run at a time per warehouse: the file {@code <warehouse>/_segments_run.lock}, created only if
 * absent (an atomic create on local disks, HDFS, ABFS and GCS; on S3 only with S3A's conditional
 * create), naming the run that holds it. The holder refreshes its modification time every {@link
 * #HEARTBEAT}; another run waits for it up to {@code warehouse.lock-wait-seconds}, then stops with
 * a message naming the holder. A lock whose run died is taken over: at once when it was held by a
 * process of this host that no longer exists (a killed driver), otherwise after {@link #STALE}
 * without heartbeat.
 */
public final class RunLock implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RunLock.class);

  public static final String FILE = "_segments_run.lock";
  static final Duration HEARTBEAT = Duration.ofSeconds(10);
  static final Duration STALE = Duration.ofMinutes(2);
  private static final Duration POLL = Duration.ofSeconds(2);

  private final FileSystem fs;
  private final Path path;
  private final String runId;
  private final ScheduledExecutorService heartbeat;

  private RunLock(FileSystem fs, Path path, String runId) {
    this.fs = fs;
    this.path = path;
    this.runId = runId;
    this.heartbeat =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "run-lock-heartbeat");
              t.setDaemon(true);
              return t;
            });
    heartbeat.scheduleAtFixedRate(
        this::beat, HEARTBEAT.toMillis(), HEARTBEAT.toMillis(), TimeUnit.MILLISECONDS);
  }

  /**
   * Takes the warehouse's lock for {@code command}, waiting up to {@code wait} for another run.
   *
   * @throws UserError when another live run still holds it after {@code wait}
   */
  public static RunLock acquire(
      Configuration hadoop, String warehouse, String command, Duration wait) {
    Path path = new Path(warehouse, FILE);
    String runId = UUID.randomUUID().toString();
    try {
      FileSystem fs = path.getFileSystem(hadoop);
      fs.mkdirs(path.getParent());
      Instant giveUp = Instant.now().plus(wait);
      boolean logged = false;
      while (true) {
        if (create(fs, path, runId, command)) {
          return new RunLock(fs, path, runId);
        }
        Holder holder = Holder.read(fs, path);
        if (holder == null) {
          continue; // released between the create and the read
        }
        if (holder.dead()) {
          LOG.warn("Taking over the warehouse lock {} of a run that is gone: {}", path, holder);
          fs.delete(path, false);
          continue;
        }
        if (!Instant.now().isBefore(giveUp)) {
          throw new UserError(
              "Cannot start: the warehouse "
                  + warehouse
                  + " is in use by another run ("
                  + holder
                  + "). This run waited "
                  + wait.toSeconds()
                  + " s (warehouse.lock-wait-seconds). If that run is dead on another machine,"
                  + " its lock is taken over after "
                  + STALE.toMinutes()
                  + " minutes without heartbeat; or remove "
                  + path);
        }
        if (!logged) {
          LOG.warn("Waiting for the warehouse lock {}, held by {}", path, holder);
          logged = true;
        }
        Thread.sleep(POLL.toMillis());
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot take the warehouse lock " + path, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UserError("Interrupted while waiting for the warehouse lock " + path);
    }
  }

  private static boolean create(FileSystem fs, Path path, String runId, String command)
      throws IOException {
    Map<String, String> fields = new LinkedHashMap<>();
    fields.put("run", runId);
    fields.put("command", command.replace('\n', ' '));
    fields.put("host", host());
    fields.put("pid", String.valueOf(ProcessHandle.current().pid()));
    fields.put("started", Instant.now().toString());
    StringBuilder text = new StringBuilder();
    fields.forEach((k, v) -> text.append(k).append('=').append(v).append('\n'));
    byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);
    if (fs instanceof org.apache.hadoop.fs.LocalFileSystem local) {
      // The JDK's create-new is atomic (O_EXCL); Hadoop's local create checks, then creates.
      try {
        java.nio.file.Files.write(
            local.pathToFile(path).toPath(),
            bytes,
            java.nio.file.StandardOpenOption.CREATE_NEW,
            java.nio.file.StandardOpenOption.WRITE);
        return true;
      } catch (java.nio.file.FileAlreadyExistsException e) {
        return false;
      }
    }
    try (FSDataOutputStream out = fs.create(path, false)) {
      out.write(bytes);
      return true;
    } catch (org.apache.hadoop.fs.FileAlreadyExistsException e) {
      return false;
    } catch (IOException e) {
      if (fs.exists(path)) {
        return false; // some file systems report an existing file as a plain IOException
      }
      throw e;
    }
  }

  /** Who holds a lock, as its file says, and when it last beat. */
  record Holder(Map<String, String> fields, Instant lastBeat) {
    static Holder read(FileSystem fs, Path path) throws IOException {
      FileStatus status;
      byte[] bytes;
      try {
        status = fs.getFileStatus(path);
        try (var in = fs.open(path)) {
          bytes = in.readAllBytes();
        }
      } catch (java.io.FileNotFoundException e) {
        return null;
      }
      Map<String, String> fields = new LinkedHashMap<>();
      for (String line : new String(bytes, StandardCharsets.UTF_8).split("\n")) {
        int eq = line.indexOf('=');
        if (eq > 0) {
          fields.put(line.substring(0, eq), line.substring(eq + 1));
        }
      }
      return new Holder(fields, Instant.ofEpochMilli(status.getModificationTime()));
    }

    /** Gone: its process is not alive on this host, or no heartbeat for {@link #STALE}. */
    boolean dead() {
      if (host().equals(fields.get("host"))) {
        try {
          long pid = Long.parseLong(fields.getOrDefault("pid", ""));
          if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false) == false) {
            return true;
          }
        } catch (NumberFormatException e) {
          // an unreadable lock: judged by its heartbeat alone
        }
      }
      return Duration.between(lastBeat, Instant.now()).compareTo(STALE) > 0;
    }

    @Override
    public String toString() {
      return "run "
          + fields.get("run")
          + ", '"
          + fields.get("command")
          + "' on "
          + fields.get("host")
          + " pid "
          + fields.get("pid")
          + ", started "
          + fields.get("started")
          + ", last heartbeat "
          + Duration.between(lastBeat, Instant.now()).toSeconds()
          + " s ago";
    }
  }

  private void beat() {
    try {
      fs.setTimes(path, System.currentTimeMillis(), -1);
    } catch (IOException | RuntimeException e) {
      LOG.warn("Could not refresh the warehouse lock {}: {}", path, e.toString());
    }
  }

  /** Releases the lock if it is still this run's. */
  @Override
  public void close() {
    heartbeat.shutdownNow();
    try {
      Holder holder = Holder.read(fs, path);
      if (holder != null && runId.equals(holder.fields().get("run"))) {
        fs.delete(path, false);
      }
    } catch (IOException e) {
      LOG.warn("Could not release the warehouse lock {}: {}", path, e.toString());
    }
  }

  /** This driver's host name, as the lock and {@code pipeline_runs} record it. */
  static String host() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "unknown";
    }
  }
}
