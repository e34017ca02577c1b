package io.warren.node.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WarrenConfigTest {

  @Test
  void defaultsWorkOnALaptop() {
    WarrenConfig config = WarrenConfig.load(null, Map.of());
    assertThat(config.get(WarrenConfig.AMQP_PORT)).isEqualTo(5672);
    assertThat(config.get(WarrenConfig.METRICS_PORT)).isEqualTo(15692);
    assertThat(config.get(WarrenConfig.MANAGEMENT_PORT)).isEqualTo(15672);
    assertThat(config.get(WarrenConfig.MAX_MESSAGE_SIZE)).isEqualTo(16L * 1024 * 1024);
    assertThat(config.get(WarrenConfig.LOOPBACK_USERS)).containsExactly("guest");
  }

  @Test
  void environmentOverridesFileWhichOverridesDefaults(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("warren.conf");
    Files.writeString(file, "amqp.port = 5700\nmetrics.port = 15700\n# a comment\n");
    WarrenConfig config = WarrenConfig.load(file, Map.of("WARREN_AMQP_PORT", "5701", "PATH", "/bin"));
    assertThat(config.get(WarrenConfig.AMQP_PORT)).isEqualTo(5701);
    assertThat(config.get(WarrenConfig.METRICS_PORT)).isEqualTo(15700);
    assertThat(config.get(WarrenConfig.DATA_DIR)).isEqualTo(Path.of("data"));
  }

  @Test
  void everySettingHasAnEnvironmentVariable() {
    assertThat(WarrenConfig.AMQP_PORT.environmentVariable()).isEqualTo("WARREN_AMQP_PORT");
    assertThat(WarrenConfig.DATA_DIR.environmentVariable()).isEqualTo("WARREN_DATA_DIR");
    assertThat(WarrenConfig.FRAME_MAX.environmentVariable()).isEqualTo("WARREN_AMQP_FRAME_MAX");
    for (Setting<?> s : WarrenConfig.ALL) {
      WarrenConfig.load(null, Map.of(s.environmentVariable(), String.valueOf(render(s.defaultValue()))));
    }
  }

  @Test
  void unknownFileKeyIsRejectedByName(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("warren.conf");
    Files.writeString(file, "amqp.prot = 5700\n");
    assertThatThrownBy(() -> WarrenConfig.load(file, Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("amqp.prot");
  }

  @Test
  void theLogLevelVariableIsForTheLoggingConfigurationNotRejected() {
    WarrenConfig config = WarrenConfig.load(null, Map.of("WARREN_LOG_LEVEL", "DEBUG", "WARREN_RAFT_BIND", "0.0.0.0"));
    assertThat(config.get(WarrenConfig.RAFT_BIND)).isEqualTo("0.0.0.0");
  }

  @Test
  void unknownEnvironmentVariableIsRejectedByName() {
    assertThatThrownBy(() -> WarrenConfig.load(null, Map.of("WARREN_AMQP_PROT", "1")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("WARREN_AMQP_PROT");
  }

  @Test
  void badValuesNameTheKeyAndTheReason() {
    assertThatThrownBy(() -> WarrenConfig.load(null, Map.of("WARREN_AMQP_PORT", "seventy")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("amqp.port")
        .hasMessageContaining("not a whole number");
    assertThatThrownBy(() -> WarrenConfig.load(null, Map.of("WARREN_AMQP_PORT", "70000")))
        .hasMessageContaining("between 0 and 65535");
    assertThatThrownBy(() -> WarrenConfig.load(null, Map.of("WARREN_MEMORY_HIGH_WATERMARK", "1.5")))
        .hasMessageContaining("memory.high-watermark");
  }

  @Test
  void peersAreReadFromTheEnvironmentAndMustIncludeThisNode() {
    WarrenConfig config = WarrenConfig.load(null, Map.of(
        "WARREN_NODE_ID", "b",
        "WARREN_CLUSTER_PEERS", "c=node3:25690, a=node1:25690,b=node2:25691"));
    assertThat(config.get(WarrenConfig.CLUSTER_PEERS))
        .containsExactly(Map.entry("a", "node1:25690"), Map.entry("b", "node2:25691"), Map.entry("c", "node3:25690"));
    assertThatThrownBy(() -> WarrenConfig.load(null, Map.of("WARREN_CLUSTER_PEERS", "a=node1:25690,b=node2:25690")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("cluster.peers")
        .hasMessageContaining("warren1");
    assertThatThrownBy(() -> WarrenConfig.load(null, Map.of("WARREN_CLUSTER_PEERS", "warren1=node1")))
        .hasMessageContaining("not id=host:port");
    assertThatThrownBy(() -> WarrenConfig.load(null, Map.of("WARREN_CLUSTER_PEERS", "warren1=a:1,warren1=b:2")))
        .hasMessageContaining("listed twice");
    assertThatThrownBy(() -> WarrenConfig.load(null, Map.of("WARREN_CLUSTER_PEERS", "warren1=a:99999")))
        .hasMessageContaining("between 1 and 65535");
  }

  @Test
  void missingFileIsAClearError(@TempDir Path dir) {
    assertThatThrownBy(() -> WarrenConfig.load(dir.resolve("nope.conf"), Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("nope.conf");
  }

  @Test
  void documentationListsEverySettingWithItsDefault() throws IOException {
    String doc = Files.readString(Path.of("..", "docs", "configuration.md"));
    for (Setting<?> s : WarrenConfig.ALL) {
      String rendered = render(s.defaultValue());
      assertThat(doc).as("docs/configuration.md documents " + s.key())
          .contains("| `" + s.key() + "` | `" + s.environmentVariable() + "` | "
              + (rendered.isEmpty() ? "empty" : "`" + rendered + "`") + " |");
    }
  }

  /** How a default value is written in the file and the docs. */
  static String render(Object value) {
    if (value instanceof Map<?, ?> map) {
      return String.join(",", map.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList());
    }
    return value instanceof List<?> list ? String.join(",", list.stream().map(String::valueOf).toList())
        : String.valueOf(value);
  }
}
