package io.warren.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
    // Port 0 and the port read back from the log: probing a guessed port can race with other
    // sockets (and a connect to a closed local port can even connect to itself).
    Process process = start(dir, Map.of("WARREN_AMQP_BIND", "127.0.0.1", "WARREN_AMQP_PORT", "0"));
    Pattern started = Pattern.compile("started; AMQP on \\S*:(\\d+)");
    try {
      Matcher matcher = org.awaitility.Awaitility.await().atMost(60, TimeUnit.SECONDS)
          .until(() -> started.matcher(Files.readString(dir.resolve("out.log"))), Matcher::find);
      int port = Integer.parseInt(matcher.group(1));
      // A wrong protocol header is answered with the server's own, as the spec says.
      try (Socket socket = new Socket("127.0.0.1", port)) {
        socket.getOutputStream().write("AMQP\0\0\0\0".getBytes(StandardCharsets.ISO_8859_1));
        byte[] reply = socket.getInputStream().readNBytes(8);
        assertThat(reply).containsExactly('A', 'M', 'Q', 'P', 0, 0, 9, 1);
      }
    } finally {
      process.destroy(); // SIGTERM
    }
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(Files.readString(dir.resolve("out.log"))).contains("Stopping Warren node");
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
