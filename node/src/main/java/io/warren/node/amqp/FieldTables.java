package io.warren.node.amqp;

import io.warren.model.Arguments;
import io.warren.protocol.types.FieldTable;
import io.warren.protocol.types.FieldValue;
import io.warren.protocol.types.LongString;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Converts wire field tables to the model's plain {@link Arguments}. */
final class FieldTables {
  private FieldTables() {}

  static Arguments toArguments(FieldTable table) {
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

  /** Whether a client capability is set to true in its client properties. */
  static boolean capability(FieldTable clientProperties, String name) {
    FieldTable caps = clientProperties == null ? null : clientProperties.getTable("capabilities");
    return caps != null && Boolean.TRUE.equals(caps.getBoolean(name));
  }
}
