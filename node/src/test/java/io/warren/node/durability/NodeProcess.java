package io.warren.node.durability;

import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.impl.ForgivingExceptionHandler;
import io.warren.node.Main;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * A Warren node running in its own JVM, as an operator runs it, with standard output and error
 * in a log file that outlives the process for diagnostics. {@link #close()} kills the node if it
 * is still running, so try-with-resources guarantees no node outlives its test.
 */
public final class NodeProcess implements AutoCloseable {
  private static final Pattern STARTED = Pattern.compile("started; AMQP on \\S*:(\\d+)");
  private static final Duration START_TIMEOUT = Duration.ofSeconds(120);
  private static final Duration EXIT_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration RPC_TIMEOUT = Duration.ofSeconds(60);

  private final Process process;
  private final Path log;
  private volatile int amqpPort = -1;

  private NodeProcess(Process process, Path log) {
    this.process = process;
    this.log = log;
  }

  /** {@code deploy/jvm.options} of this repository, found upwards from the module's directory. */
  private static Path jvmOptions() {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      Path options = dir.resolve("deploy/jvm.options");
      if (Files.isRegularFile(options)) {
        return options;
      }
    }
    throw new IllegalStateException("no deploy/jvm.options above " + Path.of("").toAbsolutePath());
  }

  /** Launches the node's main class with the test's class path; does not wait for it to start. */
  public static NodeProcess launch(NodeSpec spec, Path log) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command = new ArrayList<>();
    command.add(java);
    command.add("@" + jvmOptions()); // as every launcher
    command.addAll(spec.jvmOptions());
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName()));
    ProcessBuilder builder = new ProcessBuilder(command);
    // Only the spec configures the node: a stray WARREN_* of the test JVM would be an unknown key.
    builder.environment().keySet().removeIf(k -> k.startsWith("WARREN_"));
    builder.environment().put("WARREN_DATA_DIR", spec.dataDir().toString());
    builder.environment().putAll(spec.env());
    Files.createDirectories(log.toAbsolutePath().getParent());
    builder.redirectErrorStream(true).redirectOutput(log.toFile());
    Process process = builder.start();
    System.out.printf("node %d logs to %s%n", process.pid(), log);
    return new NodeProcess(process, log);
  }

  /** Launches the node and waits until it listens for AMQP; kills it if it does not get there. */
  public static NodeProcess start(NodeSpec spec, Path log) throws IOException {
    NodeProcess node = launch(spec, log);
    try {
      node.awaitStarted();
      return node;
    } catch (RuntimeException | Error e) {
      node.close();
      throw e;
    }
  }

  /**
   * Waits for the log line saying the node started and returns the AMQP port it names. Fails
   * with the log if the process exits first or does not start within a generous time.
   */
  public int awaitStarted() {
    Matcher matcher;
    try {
      matcher = Awaitility.await("node " + process.pid() + " to start")
          .atMost(START_TIMEOUT)
          .pollInterval(Duration.ofMillis(100))
          .until(() -> STARTED.matcher(log()), m -> m.find() || !process.isAlive());
    } catch (ConditionTimeoutException e) {
      String dumped = logWithThreadDump();
      throw new IllegalStateException("node " + process.pid() + " did not start within " + START_TIMEOUT
          + "; its log says: " + digest(dumped) + "\nThe end of its log " + log + ", with a thread dump:\n"
          + tail(dumped, 400), e);
    }
    if (!matcher.find(0)) {
      throw new IllegalStateException("node exited with " + process.exitValue()
          + " before it started; its log " + log + ":\n" + log());
    }
    amqpPort = Integer.parseInt(matcher.group(1));
    return amqpPort;
  }

  /** The log after the JVM printed its threads' stacks to it (SIGQUIT), to see where a node hangs. */
  private String logWithThreadDump() {
    try {
      new ProcessBuilder("kill", "-QUIT", Long.toString(process.pid())).start().waitFor(10, TimeUnit.SECONDS);
      // The JVM's signal thread writes the dump after kill returns; its last line counts JNI refs.
      Awaitility.await("thread dump of node " + process.pid()).atMost(Duration.ofSeconds(10))
          .until(() -> log().contains("JNI global refs"));
    } catch (IOException | ConditionTimeoutException e) {
      return log() + "\n(no complete thread dump: " + e + ")";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return log();
  }

  private static final Pattern NOTEWORTHY = Pattern.compile(" (WARN|ERROR) |still electing|Exception in thread");
  private static final int DIGEST_LINES = 8;
  private static final int DIGEST_LINE_CHARS = 400;

  /**
   * A node log's warnings, errors and start-wait lines, the last few, on one line: a test failure's
   * first line (all that a CI summary shows) then says why the node did not get on.
   */
  public static String digest(String log) {
    List<String> picked = new ArrayList<>();
    for (String line : log.split("\n")) {
      if (NOTEWORTHY.matcher(line).find()) {
        picked.add(line.length() > DIGEST_LINE_CHARS ? line.substring(0, DIGEST_LINE_CHARS) + "..." : line);
      }
    }
    List<String> last = picked.subList(Math.max(0, picked.size() - DIGEST_LINES), picked.size());
    return last.isEmpty() ? "(no warnings)" : "[" + String.join(" | ", last) + "]";
  }

  private static String tail(String text, int lines) {
    String[] all = text.split("\n", -1);
    return String.join("\n", java.util.Arrays.asList(all).subList(Math.max(0, all.length - lines), all.length));
  }

  /** The AMQP port from the log; only after the node started. */
  public int amqpPort() {
    if (amqpPort < 0) {
      throw new IllegalStateException("node has not started (call awaitStarted)");
    }
    return amqpPort;
  }

  /**
   * A connection factory for this node. Automatic recovery is off: a test that kills the node
   * wants the connection to fail, not to reconnect to the next run behind its back. NIO, because
   * its writes are queued with a bounded wait: a blocking-I/O publish to a broker that stopped
   * reading (connection.blocked) would block in the socket write with no way out.
   */
  public ConnectionFactory connectionFactory() {
    return connectionFactory("127.0.0.1", amqpPort());
  }

  /**
   * A connection factory for a test's node listening on {@code host:port}, with the settings of
   * {@link #connectionFactory()} (also for nodes that are not processes of the test, e.g. containers).
   */
  public static ConnectionFactory connectionFactory(String host, int port) {
    ConnectionFactory factory = new ConnectionFactory();
    factory.setHost(host);
    factory.setPort(port);
    factory.setAutomaticRecoveryEnabled(false);
    factory.setTopologyRecoveryEnabled(false);
    factory.useNio();
    factory.setChannelRpcTimeout((int) RPC_TIMEOUT.toMillis());
    factory.setExceptionHandler(new ForgivingExceptionHandler() {
      @Override
      public void handleUnexpectedConnectionDriverException(Connection connection, Throwable exception) {
        // The tests kill their nodes: a connection breaking is what they expect, not news.
      }
    });
    return factory;
  }

  /** A connection to this node, named for the broker's logs, that closes without hanging. */
  public ClientConnection connect(String name) throws IOException {
    try {
      return new ClientConnection(connectionFactory().newConnection(name));
    } catch (java.util.concurrent.TimeoutException e) {
      throw new IOException("connecting to node " + process.pid() + " timed out", e);
    }
  }

  /** SIGKILL (on Linux {@link Process#destroyForcibly} is kill -9) and wait until it is gone. */
  public void kill() {
    process.destroyForcibly();
    awaitExit();
  }

  /** SIGTERM, the operator's clean stop; returns the exit code. */
  public int stop() {
    process.destroy();
    return awaitExit();
  }

  /** SIGSTOP: the node freezes (its sockets stay open, nothing answers) until {@link #resume()}. */
  public void pause() {
    signal("STOP");
  }

  /** SIGCONT: a paused node carries on where it stopped. */
  public void resume() {
    signal("CONT");
  }

  /** Sends a signal with kill(1) ({@link Process} only knows TERM and KILL). */
  private void signal(String name) {
    try {
      Process kill = new ProcessBuilder("kill", "-" + name, String.valueOf(process.pid()))
          .redirectErrorStream(true).start();
      String output = new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!kill.waitFor(EXIT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS) || kill.exitValue() != 0) {
        throw new IllegalStateException("kill -" + name + " " + process.pid() + " failed: " + output);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run kill -" + name, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted sending SIG" + name + " to " + process.pid(), e);
    }
  }

  /** Waits (generously) for the process to end and returns its exit code. */
  public int awaitExit() {
    try {
      if (!process.waitFor(EXIT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException("node " + process.pid() + " did not exit within " + EXIT_TIMEOUT);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted waiting for node " + process.pid() + " to exit", e);
    }
    return process.exitValue();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  public long pid() {
    return process.pid();
  }

  public Path logFile() {
    return log;
  }

  /** The log so far. Read as ISO-8859-1 so that no byte sequence can make reading it fail. */
  public String log() {
    try {
      return Files.exists(log) ? Files.readString(log, StandardCharsets.ISO_8859_1) : "";
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + log, e);
    }
  }

  /** Kills the node if it still runs. */
  @Override
  public void close() {
    if (process.isAlive()) {
      kill();
    }
  }

  /**
   * Where a test keeps the logs of its nodes: {@code target/node-logs/<test>/<name>.log} of the
   * module running the test, next to the surefire reports, so they survive the test's temporary
   * directories.
   */
  public static Path logFile(String test, String name) {
    try {
      Path testClasses = Path.of(NodeProcess.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      // From the node's test-jar (another module's tests): that module's target, where Maven runs it.
      Path target = Files.isDirectory(testClasses)
          ? testClasses.getParent()
          : Path.of(System.getProperty("user.dir"), "target");
      return target.resolve("node-logs").resolve(test).resolve(name + ".log");
    } catch (URISyntaxException e) {
      throw new IllegalStateException("cannot locate the test classes", e);
    }
  }
}
