package io.warren.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs the node's main in its own JVM, as an operator would. */
class MainProcessTest {

  @Test
  void badConfigurationExitsWithCode78AndNamesTheKey(@TempDir Path dir) throws Exception {
    Process process = start(dir, Map.of("WARREN_AMQP_PORT", "not-a-port"));
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    String output = Files.readString(dir.resolve("out.log"));
    assertThat(process.exitValue()).isEqualTo(Main.EXIT_BAD_CONFIG);
    assertThat(output).contains("amqp.port").contains("not-a-port");
  }

  @Test
  void portInUseExitsWithCode70(@TempDir Path dir) throws Exception {
    try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1,
        java.net.InetAddress.getLoopbackAddress())) {
      Process process = start(dir, Map.of(
          "WARREN_AMQP_BIND", "127.0.0.1",
          "WARREN_AMQP_PORT", String.valueOf(taken.getLocalPort())));
      assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(process.exitValue()).isEqualTo(Main.EXIT_START_FAILED);
      assertThat(Files.readString(dir.resolve("out.log"))).contains("failed to start");
    }
  }

  @Test
  void startsListensAndStopsCleanlyOnSigterm(@TempDir Path dir) throws Exception {
    int port;
    try (java.net.ServerSocket probe = new java.net.ServerSocket(0)) {
      port = probe.getLocalPort();
    }
    Process process = start(dir, Map.of("WARREN_AMQP_PORT", String.valueOf(port)));
    try {
      org.awaitility.Awaitility.await().atMost(60, TimeUnit.SECONDS).until(() -> accepts(port));
      // The AMQP 0-9-1 protocol header is answered (by the broker, or by the server's own
      // header for a wrong one); either way something listens and speaks first-byte AMQP.
      try (Socket socket = new Socket("127.0.0.1", port)) {
        socket.getOutputStream().write("AMQP\0\0\0\0".getBytes(StandardCharsets.ISO_8859_1));
        byte[] reply = socket.getInputStream().readNBytes(4);
        assertThat(new String(reply, StandardCharsets.ISO_8859_1)).isEqualTo("AMQP");
      }
    } finally {
      process.destroy(); // SIGTERM
    }
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(Files.readString(dir.resolve("out.log"))).contains("Stopping Warren node");
  }

  private static boolean accepts(int port) {
    try (Socket ignored = new Socket()) {
      ignored.connect(new InetSocketAddress("127.0.0.1", port), 1000);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static Process start(Path dir, Map<String, String> env) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder builder = new ProcessBuilder(List.of(
        java, "-Xmx256m", "-cp", System.getProperty("java.class.path"), Main.class.getName()));
    builder.environment().keySet().removeIf(k -> k.startsWith("WARREN_"));
    builder.environment().put("WARREN_DATA_DIR", dir.resolve("data").toString());
    builder.environment().put("WARREN_METRICS_PORT", "0");
    builder.environment().put("WARREN_MANAGEMENT_PORT", "0");
    builder.environment().putAll(env);
    builder.redirectErrorStream(true).redirectOutput(dir.resolve("out.log").toFile());
    return builder.start();
  }
}
