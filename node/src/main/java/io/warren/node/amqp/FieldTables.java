package io.warren.node.amqp;

import io.warren.model.Arguments;
import io.warren.protocol.types.FieldTable;
import io.warren.protocol.types.FieldValue;
import io.warren.protocol.types.LongString;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Converts between wire field tables and the model's plain {@link Arguments}, both directions in
 * one place so they stay inverse: {@code toArguments(toFieldTable(a))} equals {@code a}.
 */
public final class FieldTables {
  private FieldTables() {}

  public static Arguments toArguments(FieldTable table) {
    if (table == null || table.isEmpty()) {
      return Arguments.EMPTY;
    }
    Map<String, Object> map = new LinkedHashMap<>();
    for (FieldTable.Entry e : table.entries()) {
      map.putIfAbsent(e.name(), toModel(e.value()));
    }
    return Arguments.of(map);
  }

  private static Object toModel(FieldValue v) {
    if (v instanceof FieldValue.LongStringValue s) {
      return s.value().toString();
    } else if (v instanceof FieldValue.BytesValue b) {
      return new Arguments.Bytes(b.value().bytes());
    } else if (v instanceof FieldValue.TimestampValue t) {
      return new Arguments.Timestamp(t.seconds());
    } else if (v instanceof FieldValue.TableValue t) {
      return toArguments(t.value());
    } else if (v instanceof FieldValue.ArrayValue a) {
      List<Object> list = new ArrayList<>(a.values().size());
      for (FieldValue x : a.values()) {
        list.add(toModel(x));
      }
      return list;
    }
    Object java = v.toJava();
    if (java instanceof LongString s) {
      return s.toString();
    } else if (java instanceof Date d) {
      return new Arguments.Timestamp(d.getTime() / 1000);
    }
    return java;
  }

  /**
   * The wire table for {@code arguments}: strings become long strings ({@code S}), {@link
   * Arguments.Bytes} byte arrays ({@code x}), {@link Arguments.Timestamp} timestamps ({@code T}),
   * lists arrays ({@code A}), nested Arguments tables ({@code F}), null void ({@code V}), and the
   * boxed numbers and Boolean the tags {@link FieldValue#of} gives them.
   *
   * @throws IllegalArgumentException for a value of any other type, a name over 255 bytes, or a
   *     BigDecimal that AMQP's decimal cannot hold
   */
  public static FieldTable toFieldTable(Arguments arguments) {
    if (arguments.isEmpty()) {
      return FieldTable.EMPTY;
    }
    FieldTable.Builder table = FieldTable.builder();
    arguments.asMap().forEach((name, value) -> table.put(name, toWire(name, value)));
    return table.build();
  }

  private static FieldValue toWire(String name, Object v) {
    if (v instanceof Arguments nested) {
      return new FieldValue.TableValue(toFieldTable(nested));
    } else if (v instanceof Arguments.Bytes b) {
      return new FieldValue.BytesValue(LongString.of(b.bytes()));
    } else if (v instanceof Arguments.Timestamp t) {
      return new FieldValue.TimestampValue(t.seconds());
    } else if (v instanceof List<?> list) {
      List<FieldValue> values = new ArrayList<>(list.size());
      for (Object x : list) {
        values.add(toWire(name, x));
      }
      return new FieldValue.ArrayValue(values);
    } else if (v == null || v instanceof String || v instanceof Boolean || isModelNumber(v)) {
      return FieldValue.of(v);
    }
    // FieldValue.of would take more (byte[], Map, Date), but those would not come back as the same
    // Arguments value, so only the model's own types are accepted.
    throw new IllegalArgumentException(
        "argument '" + name + "' has a value of type " + v.getClass().getTypeName() + ", which has no field table type");
  }

  private static boolean isModelNumber(Object v) {
    return v instanceof Byte || v instanceof Short || v instanceof Integer || v instanceof Long
        || v instanceof Float || v instanceof Double || v instanceof BigDecimal;
  }

  /** Whether a client capability is set to true in its client properties. */
  static boolean capability(FieldTable clientProperties, String name) {
    FieldTable caps = clientProperties == null ? null : clientProperties.getTable("capabilities");
    return caps != null && Boolean.TRUE.equals(caps.getBoolean(name));
  }
}
