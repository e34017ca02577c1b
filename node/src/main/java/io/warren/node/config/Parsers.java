package io.warren.node.config;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/** Parsers for setting values; each throws with a short reason on bad input. */
final class Parsers {
  private Parsers() {}

  /** 0 (meaning "automatic"), or a whole number in [min, max]. */
  static Function<String, Long> zeroOrRange(long min, long max) {
    Function<String, Long> range = longRange(min, max);
    return text -> {
      if (text.equals("0")) {
        return 0L;
      }
      try {
        return range.apply(text);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(e.getMessage() + ", or 0 for automatic");
      }
    };
  }

  static Function<String, String> identifier() {
    return text -> {
      if (!text.matches("[A-Za-z0-9_-]+")) {
        throw new IllegalArgumentException("only letters, digits, '-' and '_' are allowed");
      }
      return text;
    };
  }

  /**
   * Cluster members as {@code id=host:port} pairs separated by commas (the Raft address of each
   * node, this one included); empty for a single node. Ids follow {@link #identifier()}.
   */
  static Function<String, Map<String, String>> peers() {
    Function<String, String> id = identifier();
    Function<String, Integer> port = intRange(1, 65535);
    return text -> {
      Map<String, String> peers = new TreeMap<>();
      for (String item : text.split(",")) {
        String entry = item.trim();
        if (entry.isEmpty()) {
          continue;
        }
        int eq = entry.indexOf('=');
        int colon = entry.lastIndexOf(':');
        if (eq <= 0 || colon < eq + 2 || colon == entry.length() - 1) {
          throw new IllegalArgumentException("'" + entry + "' is not id=host:port");
        }
        String name = entry.substring(0, eq).trim();
        try {
          id.apply(name);
          port.apply(entry.substring(colon + 1).trim());
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException("'" + entry + "': " + e.getMessage());
        }
        if (peers.put(name, entry.substring(eq + 1).trim()) != null) {
          throw new IllegalArgumentException("node '" + name + "' is listed twice");
        }
      }
      return Collections.unmodifiableMap(peers);
    };
  }

  static Function<String, Integer> port() {
    return intRange(0, 65535);
  }

  static Function<String, Integer> intRange(int min, int max) {
    return text -> {
      int value;
      try {
        value = Integer.parseInt(text);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("not a whole number");
      }
      if (value < min || value > max) {
        throw new IllegalArgumentException("must be between " + min + " and " + max);
      }
      return value;
    };
  }

  static Function<String, Long> longRange(long min, long max) {
    return text -> {
      long value;
      try {
        value = Long.parseLong(text);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("not a whole number");
      }
      if (value < min || value > max) {
        throw new IllegalArgumentException("must be between " + min + " and " + max);
      }
      return value;
    };
  }

  static Function<String, Double> fraction() {
    return text -> {
      double value;
      try {
        value = Double.parseDouble(text);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("not a number");
      }
      if (!(value > 0 && value <= 1)) {
        throw new IllegalArgumentException("must be a fraction in (0, 1]");
      }
      return value;
    };
  }

  static Function<String, Boolean> bool() {
    return text -> switch (text.trim().toLowerCase(java.util.Locale.ROOT)) {
      case "true" -> true;
      case "false" -> false;
      default -> throw new IllegalArgumentException("must be true or false");
    };
  }

  static Function<String, String> text() {
    return text -> {
      if (text.isEmpty()) {
        throw new IllegalArgumentException("must not be empty");
      }
      return text;
    };
  }

  static Function<String, Path> path() {
    return text -> Path.of(text().apply(text));
  }

  static Function<String, List<String>> list() {
    return text ->
        Arrays.stream(text.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
  }
}
