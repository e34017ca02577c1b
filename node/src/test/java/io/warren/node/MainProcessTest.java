package io.warren.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.warren.node.durability.NodeProcess;
import io.warren.node.durability.NodeSpec;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs the node's main in its own JVM, as an operator would. */
class MainProcessTest {

  @Test
  void badConfigurationExitsWithCode78AndNamesTheKey(@TempDir Path dir) throws Exception {
    try (NodeProcess node = launch(dir, "not-a-port")) {
      assertThat(node.awaitExit()).isEqualTo(Main.EXIT_BAD_CONFIG);
      assertThat(node.log()).contains("amqp.port").contains("not-a-port");
    }
  }

  @Test
  void portInUseExitsWithCode70(@TempDir Path dir) throws Exception {
    try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1,
        java.net.InetAddress.getLoopbackAddress());
        NodeProcess node = launch(dir, String.valueOf(taken.getLocalPort()))) {
      assertThat(node.awaitExit()).isEqualTo(Main.EXIT_START_FAILED);
      assertThat(node.log()).contains("failed to start");
    }
  }

  @Test
  void aSecondNodeOnTheSameDataDirectoryExitsWithCode70AndSaysWhy(@TempDir Path dir) throws Exception {
    try (NodeProcess first = launch(dir, "0")) {
      first.awaitStarted();
      NodeSpec second = NodeSpec.loopback(dir.resolve("data")).withEnv("WARREN_AMQP_PORT", "0");
      try (NodeProcess intruder = NodeProcess.launch(second, dir.resolve("second.log"))) {
        assertThat(intruder.awaitExit()).isEqualTo(Main.EXIT_START_FAILED);
        assertThat(intruder.log()).contains("is in use by another Warren process");
      }
      assertThat(first.isAlive()).isTrue();
    }
  }

  @Test
  void aCorruptDataDirectoryExitsWithCode70AndSaysWhichFiles(@TempDir Path dir) throws Exception {
    NodeSpec spec = NodeSpec.loopback(dir.resolve("data"));
    try (NodeProcess node = NodeProcess.launch(spec, dir.resolve("first.log"))) {
      node.awaitStarted();
      node.stop();
    }
    try (Stream<Path> files = Files.walk(dir.resolve("data").resolve("groups"))) {
      List<Path> current = files.filter(p -> p.getFileName().toString().equals("CURRENT")).toList();
      assertThat(current).isNotEmpty();
      for (Path p : current) {
        Files.writeString(p, "not a manifest name\n");
      }
    }
    try (NodeProcess node = NodeProcess.launch(spec, dir.resolve("second.log"))) {
      assertThat(node.awaitExit()).isEqualTo(Main.EXIT_START_FAILED);
      assertThat(node.log()).contains("holds damaged or inconsistent database files");
    }
  }

  @Test
  void startsListensAndStopsCleanlyOnSigterm(@TempDir Path dir) throws Exception {
    // Port 0 and the port read back from the log: probing a guessed port can race with other
    // sockets (and a connect to a closed local port can even connect to itself).
    try (NodeProcess node = launch(dir, "0")) {
      int port = node.awaitStarted();
      // A wrong protocol header is answered with the server's own, as the spec says.
      try (Socket socket = new Socket("127.0.0.1", port)) {
        socket.getOutputStream().write("AMQP\0\0\0\0".getBytes(StandardCharsets.ISO_8859_1));
        byte[] reply = socket.getInputStream().readNBytes(8);
        assertThat(reply).containsExactly('A', 'M', 'Q', 'P', 0, 0, 9, 1);
      }
      node.stop(); // SIGTERM
      assertThat(node.log()).contains("Stopping Warren node");
    }
  }

  /** A loopback node on this AMQP port, its data and log in {@code dir}. */
  private static NodeProcess launch(Path dir, String amqpPort) throws IOException {
    NodeSpec spec = NodeSpec.loopback(dir.resolve("data")).withEnv("WARREN_AMQP_PORT", amqpPort);
    return NodeProcess.launch(spec, dir.resolve("out.log"));
  }
}
