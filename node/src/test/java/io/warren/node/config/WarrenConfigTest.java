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
  void missingFileIsAClearError(@TempDir Path dir) {
    assertThatThrownBy(() -> WarrenConfig.load(dir.resolve("nope.conf"), Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("nope.conf");
  }

  @Test
  void documentationListsEverySettingWithItsDefault() throws IOException {
    String doc = Files.readString(Path.of("..", "docs", "configuration.md"));
    for (Setting<?> s : WarrenConfig.ALL) {
      assertThat(doc).as("docs/configuration.md documents " + s.key())
          .contains("`" + s.key() + "`")
          .contains("`" + s.environmentVariable() + "`")
          .contains("`" + render(s.defaultValue()) + "`");
    }
  }

  /** How a default value is written in the file and the docs. */
  static String render(Object value) {
    return value instanceof List<?> list ? String.join(",", list.stream().map(String::valueOf).toList())
        : String.valueOf(value);
  }
}
