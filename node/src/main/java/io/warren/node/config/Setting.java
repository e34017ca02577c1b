package io.warren.node.config;

import java.util.Locale;
import java.util.function.Function;

/**
 * One configuration key: its name in the file, its default and how its text is parsed.
 * The environment variable is derived from the name, so the two can never disagree.
 */
public record Setting<T>(String key, T defaultValue, String description, Function<String, T> parser) {

  /** {@code amqp.port} becomes {@code WARREN_AMQP_PORT}; dots and dashes become underscores. */
  public String environmentVariable() {
    return "WARREN_" + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
  }

  T parse(String text) {
    try {
      return parser.apply(text.trim());
    } catch (RuntimeException e) {
      throw new ConfigException(
          "bad value '" + text + "' for " + key + " (" + environmentVariable() + "): " + e.getMessage());
    }
  }
}
