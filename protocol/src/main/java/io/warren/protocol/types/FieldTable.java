package io.warren.protocol.types;

import io.netty.buffer.ByteBuf;
import io.warren.protocol.AmqpException;
import io.warren.protocol.types.FieldValue.BooleanValue;
import io.warren.protocol.types.FieldValue.ByteValue;
import io.warren.protocol.types.FieldValue.IntValue;
import io.warren.protocol.types.FieldValue.LongLongValue;
import io.warren.protocol.types.FieldValue.LongStringValue;
import io.warren.protocol.types.FieldValue.LongValue;
import io.warren.protocol.types.FieldValue.ShortValue;
import io.warren.protocol.types.FieldValue.TableValue;
import io.warren.protocol.types.FieldValue.UnsignedByteValue;
import io.warren.protocol.types.FieldValue.UnsignedIntValue;
import io.warren.protocol.types.FieldValue.UnsignedShortValue;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An AMQP field table: an immutable, insertion-ordered list of (name, value) entries. Decoding
 * then encoding gives back the same bytes, since every value keeps its wire type tag and the
 * entries keep their order (duplicate names on the wire are kept too; {@link #get} returns the
 * first).
 */
public final class FieldTable {
  public static final FieldTable EMPTY = new FieldTable(List.of());

  /** One entry of the table. */
  public record Entry(String name, FieldValue value) {
    public Entry {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(value, "value");
      Wire.shortStringLength(name);
    }
  }

  private final List<Entry> entries;
  private int encodedSize = -1;

  private FieldTable(List<Entry> entries) {
    this.entries = entries;
  }

  public static FieldTable of(List<Entry> entries) {
    return entries.isEmpty() ? EMPTY : new FieldTable(List.copyOf(entries));
  }

  /** Plain Java values mapped as {@link FieldValue#of(Object)} says, in the map's order. */
  public static FieldTable of(Map<?, ?> map) {
    Builder b = builder();
    map.forEach((k, v) -> b.put(String.valueOf(k), v));
    return b.build();
  }

  public static Builder builder() {
    return new Builder();
  }

  public List<Entry> entries() {
    return entries;
  }

  public int size() {
    return entries.size();
  }

  public boolean isEmpty() {
    return entries.isEmpty();
  }

  /** The first value named {@code name}, or null. */
  public FieldValue get(String name) {
    for (Entry e : entries) {
      if (e.name().equals(name)) {
        return e.value();
      }
    }
    return null;
  }

  public boolean containsKey(String name) {
    return get(name) != null;
  }

  /** The value as text if it is a long string ({@code S}), else null. */
  public String getString(String name) {
    return get(name) instanceof LongStringValue s ? s.value().toString() : null;
  }

  /** The value if it is any integer type ({@code b B s u I i l L}), else null. */
  public Long getLong(String name) {
    FieldValue v = get(name);
    if (v instanceof ByteValue x) return (long) x.value();
    if (v instanceof UnsignedByteValue x) return (long) x.value();
    if (v instanceof ShortValue x) return (long) x.value();
    if (v instanceof UnsignedShortValue x) return (long) x.value();
    if (v instanceof IntValue x) return (long) x.value();
    if (v instanceof UnsignedIntValue x) return x.value();
    if (v instanceof LongValue x) return x.value();
    if (v instanceof LongLongValue x) return x.value();
    return null;
  }

  /** The value if it is a boolean ({@code t}), else null. */
  public Boolean getBoolean(String name) {
    return get(name) instanceof BooleanValue b ? b.value() : null;
  }

  /** The value if it is a nested table ({@code F}), else null. */
  public FieldTable getTable(String name) {
    return get(name) instanceof TableValue t ? t.value() : null;
  }

  /** Plain Java view (see {@link FieldValue#toJava()}); the first of duplicate names wins. */
  public Map<String, Object> toMap() {
    Map<String, Object> map = new LinkedHashMap<>();
    for (Entry e : entries) {
      if (!map.containsKey(e.name())) {
        map.put(e.name(), e.value().toJava());
      }
    }
    return Collections.unmodifiableMap(map);
  }

  /** Encoded size including the 32-bit length prefix. */
  public int encodedSize() {
    int size = encodedSize;
    if (size < 0) {
      size = 4;
      for (Entry e : entries) {
        size += 1 + Wire.shortStringLength(e.name()) + 1 + e.value().bodySize();
      }
      encodedSize = size;
    }
    return size;
  }

  /** Writes the 32-bit length and the entries. */
  public void encode(ByteBuf out) {
    if (entries.isEmpty()) {
      out.writeInt(0);
      return;
    }
    int lengthAt = out.writerIndex();
    out.writeInt(0);
    for (Entry e : entries) {
      Wire.writeShortString(out, e.name());
      FieldValueCodec.write(out, e.value());
    }
    out.setInt(lengthAt, out.writerIndex() - lengthAt - 4);
  }

  /**
   * Reads a table (32-bit length, then entries). Throws {@link AmqpException}: 501 FRAME_ERROR
   * for truncated input or malformed UTF-8 in names, 502 SYNTAX_ERROR for an unknown value type
   * or nesting deeper than {@link FieldValue#MAX_DEPTH}.
   */
  public static FieldTable decode(ByteBuf in) {
    return decode(in, 0);
  }

  static FieldTable decode(ByteBuf in, int depth) {
    checkDepth(depth);
    int len = Wire.readLengthPrefix(in, "field table");
    if (len == 0) {
      return EMPTY;
    }
    ByteBuf body = in.readSlice(len);
    List<Entry> entries = new ArrayList<>();
    while (body.isReadable()) {
      String name = Wire.readShortString(body);
      entries.add(new Entry(name, FieldValueCodec.read(body, depth)));
    }
    return new FieldTable(Collections.unmodifiableList(entries));
  }

  static void checkDepth(int depth) {
    if (depth > FieldValue.MAX_DEPTH) {
      throw AmqpException.syntaxError("field table nested deeper than " + FieldValue.MAX_DEPTH);
    }
  }

  @Override
  public boolean equals(Object o) {
    return o == this || (o instanceof FieldTable t && entries.equals(t.entries));
  }

  @Override
  public int hashCode() {
    return entries.hashCode();
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("{");
    for (Entry e : entries) {
      if (sb.length() > 1) {
        sb.append(", ");
      }
      sb.append(e.name()).append('=').append(e.value());
    }
    return sb.append('}').toString();
  }

  /** Builds a table in insertion order; a repeated name replaces the earlier value in place. */
  public static final class Builder {
    private final LinkedHashMap<String, FieldValue> values = new LinkedHashMap<>();

    private Builder() {}

    /** Puts a plain Java value, mapped as {@link FieldValue#of(Object)} says. */
    public Builder put(String name, Object value) {
      Objects.requireNonNull(name, "name");
      Wire.shortStringLength(name);
      values.put(name, FieldValue.of(value));
      return this;
    }

    public Builder putAll(FieldTable table) {
      for (Entry e : table.entries()) {
        put(e.name(), e.value());
      }
      return this;
    }

    public FieldTable build() {
      if (values.isEmpty()) {
        return EMPTY;
      }
      List<Entry> entries = new ArrayList<>(values.size());
      values.forEach((k, v) -> entries.add(new Entry(k, v)));
      return new FieldTable(Collections.unmodifiableList(entries));
    }
  }
}
