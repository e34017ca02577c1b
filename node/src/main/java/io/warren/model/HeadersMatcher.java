package io.warren.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A headers-exchange binding compiled once: its x-match mode and the key/value pairs to look for.
 * A pattern value of void ({@code null}) asks only for the header's presence. Keys starting with
 * "x-" take part only in the "-with-x" modes.
 */
record HeadersMatcher(boolean all, List<Map.Entry<String, Object>> patterns) {

  static HeadersMatcher compile(Arguments args) {
    Object mode = args.get("x-match");
    String text = mode == null ? "all" : args.getString("x-match");
    boolean all;
    boolean withX;
    if (text == null) {
      throw invalid(mode);
    }
    switch (text) {
      case "all" -> { all = true; withX = false; }
      case "any" -> { all = false; withX = false; }
      case "all-with-x" -> { all = true; withX = true; }
      case "any-with-x" -> { all = false; withX = true; }
      default -> throw invalid(text);
    }
    List<Map.Entry<String, Object>> patterns = new ArrayList<>();
    for (Map.Entry<String, Object> e : args.asMap().entrySet()) {
      String key = e.getKey();
      if (key.equals("x-match") || (!withX && key.startsWith("x-"))) {
        continue;
      }
      patterns.add(new java.util.AbstractMap.SimpleImmutableEntry<>(key, e.getValue()));
    }
    return new HeadersMatcher(all, List.copyOf(patterns));
  }

  private static AmqpFailure invalid(Object value) {
    return AmqpFailure.precondition(
        "Invalid x-match field value '" + value + "'; expected all, any, all-with-x, or any-with-x");
  }

  boolean matches(Arguments headers) {
    if (all) {
      for (Map.Entry<String, Object> p : patterns) {
        if (!matchesOne(p, headers)) {
          return false;
        }
      }
      return true;
    }
    for (Map.Entry<String, Object> p : patterns) {
      if (matchesOne(p, headers)) {
        return true;
      }
    }
    return false;
  }

  private static boolean matchesOne(Map.Entry<String, Object> pattern, Arguments headers) {
    if (!headers.containsKey(pattern.getKey())) {
      return false;
    }
    return pattern.getValue() == null || Arguments.looselyEqual(pattern.getValue(), headers.get(pattern.getKey()));
  }
}
