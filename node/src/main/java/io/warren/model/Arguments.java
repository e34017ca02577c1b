package io.warren.model;

import java.math.BigDecimal;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An AMQP field table as plain Java values, so the model needs no codec: {@code null} (void),
 * Boolean, Byte, Short, Integer, Long, Float, Double, BigDecimal, String (long or short string),
 * {@link Bytes}, {@link Timestamp}, List (array) and nested {@code Arguments}. The front end
 * converts the wire table to this once.
 */
public final class Arguments {
  public static final Arguments EMPTY = new Arguments(Map.of());

  private final Map<String, Object> values;

  private Arguments(Map<String, Object> values) {
    this.values = values;
  }

  public static Arguments of(Map<String, ?> values) {
    if (values == null || values.isEmpty()) {
      return EMPTY;
    }
    return new Arguments(Collections.unmodifiableMap(new LinkedHashMap<>(values)));
  }

  public static Arguments of(String key, Object value) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put(key, value);
    return of(m);
  }

  public Map<String, Object> asMap() {
    return values;
  }

  public boolean isEmpty() {
    return values.isEmpty();
  }

  public boolean containsKey(String key) {
    return values.containsKey(key);
  }

  public Object get(String key) {
    return values.get(key);
  }

  /** The value as a string if it is a string (long strings arrive as bytes-backed strings). */
  public String getString(String key) {
    Object v = values.get(key);
    if (v instanceof String s) {
      return s;
    }
    if (v instanceof Bytes b) {
      return new String(b.bytes(), java.nio.charset.StandardCharsets.UTF_8);
    }
    return null;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Arguments a && values.equals(a.values);
  }

  @Override
  public int hashCode() {
    return values.hashCode();
  }

  @Override
  public String toString() {
    return values.toString();
  }

  /** A byte array field value ('x') with value equality. */
  public record Bytes(byte[] bytes) {
    @Override
    public boolean equals(Object o) {
      return o instanceof Bytes b && Arrays.equals(bytes, b.bytes);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
      return "Bytes" + Arrays.toString(bytes);
    }
  }

  /** A timestamp field value ('T'): seconds since the epoch. */
  public record Timestamp(long seconds) {}

  /**
   * How RabbitMQ shows the argument {@code key} of {@code args} in an "inequivalent arg" error:
   * "none" when absent; the bare value when {@code other} has the key too; else with its type.
   */
  static String describe(Arguments args, String key, Arguments other) {
    if (!args.containsKey(key)) {
      return "none";
    }
    Object v = args.get(key);
    Object shown = v instanceof Bytes ? args.getString(key) : v;
    return other.containsKey(key) ? "'" + shown + "'" : "the value '" + shown + "' of type '" + typeName(v) + "'";
  }

  /** The AMQP type name RabbitMQ prints in "inequivalent arg" errors. */
  static String typeName(Object v) {
    if (v == null) {
      return "void";
    } else if (v instanceof String || v instanceof Bytes) {
      return "longstr";
    } else if (v instanceof Integer) {
      return "signedint";
    } else if (v instanceof Long) {
      return "long";
    } else if (v instanceof Short) {
      return "short";
    } else if (v instanceof Byte) {
      return "byte";
    } else if (v instanceof Boolean) {
      return "bool";
    } else if (v instanceof Double) {
      return "double";
    } else if (v instanceof Float) {
      return "float";
    } else if (v instanceof BigDecimal) {
      return "decimal";
    } else if (v instanceof Timestamp) {
      return "timestamp";
    } else if (v instanceof List) {
      return "array";
    } else if (v instanceof Arguments) {
      return "table";
    }
    return v.getClass().getSimpleName();
  }

  /**
   * RabbitMQ's loose equality for argument and header values: integers of any width compare by
   * value, floats likewise, strings equal their byte form; other types must match exactly.
   */
  static boolean looselyEqual(Object a, Object b) {
    if (a == null || b == null) {
      return a == b;
    }
    if (isInteger(a) && isInteger(b)) {
      return ((Number) a).longValue() == ((Number) b).longValue();
    }
    if (isFloat(a) && isFloat(b)) {
      return ((Number) a).doubleValue() == ((Number) b).doubleValue();
    }
    if (isText(a) && isText(b)) {
      return text(a).equals(text(b));
    }
    return Objects.equals(a, b);
  }

  private static boolean isInteger(Object v) {
    return v instanceof Byte || v instanceof Short || v instanceof Integer || v instanceof Long;
  }

  private static boolean isFloat(Object v) {
    return v instanceof Float || v instanceof Double;
  }

  private static boolean isText(Object v) {
    return v instanceof String || v instanceof Bytes;
  }

  private static String text(Object v) {
    return v instanceof Bytes b ? new String(b.bytes(), java.nio.charset.StandardCharsets.UTF_8) : (String) v;
  }
}
