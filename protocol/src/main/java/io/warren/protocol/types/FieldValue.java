package io.warren.protocol.types;

import io.netty.buffer.ByteBuf;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A value in a field table or field array, one record per wire type tag of RabbitMQ's dialect
 * (which differs from the 0-9-1 spec: {@code s} is a signed 16-bit integer, not a short string,
 * and both {@code l} and {@code L} are 64-bit integers). Keeping the tag is what makes tables
 * round-trip byte-exactly.
 *
 * <p>{@link #of(Object)} maps plain Java values to the tags RabbitMQ's Java client uses; {@link
 * #toJava()} goes back.
 */
public sealed interface FieldValue {

  /** The wire type tag. */
  char tag();

  /** The value as plain Java (Boolean, Integer, Long, String, byte[], List, Map, ...). */
  Object toJava();

  /** Encoded size of the value without its tag. */
  int bodySize();

  /** Writes the value without its tag. */
  void writeBody(ByteBuf out);

  /** Nesting deeper than this is refused on decode (protects the stack). */
  int MAX_DEPTH = 64;

  /** {@code t}: boolean, one octet, non-zero = true. */
  record BooleanValue(boolean value) implements FieldValue {
    public static final BooleanValue TRUE = new BooleanValue(true);
    public static final BooleanValue FALSE = new BooleanValue(false);

    public char tag() { return 't'; }
    public Object toJava() { return value; }
    public int bodySize() { return 1; }
    public void writeBody(ByteBuf out) { out.writeByte(value ? 1 : 0); }
  }

  /** {@code b}: signed 8-bit integer. */
  record ByteValue(byte value) implements FieldValue {
    public char tag() { return 'b'; }
    public Object toJava() { return value; }
    public int bodySize() { return 1; }
    public void writeBody(ByteBuf out) { out.writeByte(value); }
  }

  /** {@code B}: unsigned 8-bit integer, 0..255. */
  record UnsignedByteValue(int value) implements FieldValue {
    public UnsignedByteValue {
      if (value < 0 || value > 0xFF) {
        throw new IllegalArgumentException("unsigned byte out of range: " + value);
      }
    }
    public char tag() { return 'B'; }
    public Object toJava() { return value; }
    public int bodySize() { return 1; }
    public void writeBody(ByteBuf out) { out.writeByte(value); }
  }

  /** {@code s}: signed 16-bit integer (RabbitMQ's meaning, not the spec's short string). */
  record ShortValue(short value) implements FieldValue {
    public char tag() { return 's'; }
    public Object toJava() { return value; }
    public int bodySize() { return 2; }
    public void writeBody(ByteBuf out) { out.writeShort(value); }
  }

  /** {@code u}: unsigned 16-bit integer, 0..65535. */
  record UnsignedShortValue(int value) implements FieldValue {
    public UnsignedShortValue {
      if (value < 0 || value > 0xFFFF) {
        throw new IllegalArgumentException("unsigned short out of range: " + value);
      }
    }
    public char tag() { return 'u'; }
    public Object toJava() { return value; }
    public int bodySize() { return 2; }
    public void writeBody(ByteBuf out) { out.writeShort(value); }
  }

  /** {@code I}: signed 32-bit integer. */
  record IntValue(int value) implements FieldValue {
    public char tag() { return 'I'; }
    public Object toJava() { return value; }
    public int bodySize() { return 4; }
    public void writeBody(ByteBuf out) { out.writeInt(value); }
  }

  /** {@code i}: unsigned 32-bit integer, 0..2^32-1. */
  record UnsignedIntValue(long value) implements FieldValue {
    public UnsignedIntValue {
      if (value < 0 || value > 0xFFFF_FFFFL) {
        throw new IllegalArgumentException("unsigned int out of range: " + value);
      }
    }
    public char tag() { return 'i'; }
    public Object toJava() { return value; }
    public int bodySize() { return 4; }
    public void writeBody(ByteBuf out) { out.writeInt((int) value); }
  }

  /** {@code l}: signed 64-bit integer (what RabbitMQ and its clients send for a long). */
  record LongValue(long value) implements FieldValue {
    public char tag() { return 'l'; }
    public Object toJava() { return value; }
    public int bodySize() { return 8; }
    public void writeBody(ByteBuf out) { out.writeLong(value); }
  }

  /**
   * {@code L}: 64-bit integer. The spec calls it unsigned; RabbitMQ decodes it as signed, and so do
   * we: {@code value} holds the raw 64 bits.
   */
  record LongLongValue(long value) implements FieldValue {
    public char tag() { return 'L'; }
    public Object toJava() { return value; }
    public int bodySize() { return 8; }
    public void writeBody(ByteBuf out) { out.writeLong(value); }
  }

  /** {@code f}: IEEE 754 single precision. */
  record FloatValue(float value) implements FieldValue {
    public char tag() { return 'f'; }
    public Object toJava() { return value; }
    public int bodySize() { return 4; }
    public void writeBody(ByteBuf out) { out.writeInt(Float.floatToRawIntBits(value)); }
  }

  /** {@code d}: IEEE 754 double precision. */
  record DoubleValue(double value) implements FieldValue {
    public char tag() { return 'd'; }
    public Object toJava() { return value; }
    public int bodySize() { return 8; }
    public void writeBody(ByteBuf out) { out.writeLong(Double.doubleToRawLongBits(value)); }
  }

  /**
   * {@code D}: decimal, a scale octet and a 32-bit unscaled value. {@link #toJava()} reads the
   * unscaled value as signed, like RabbitMQ's Java client.
   */
  record DecimalValue(int scale, int unscaled) implements FieldValue {
    public DecimalValue {
      if (scale < 0 || scale > 0xFF) {
        throw new IllegalArgumentException("decimal scale out of range: " + scale);
      }
    }

    /** Throws IllegalArgumentException if the value needs a negative scale or over 32 bits. */
    public static DecimalValue of(BigDecimal d) {
      BigInteger unscaled = d.unscaledValue();
      if (d.scale() < 0 || unscaled.bitLength() > 31) {
        throw new IllegalArgumentException("decimal does not fit AMQP's scale octet + 32 bits: " + d);
      }
      return new DecimalValue(d.scale(), unscaled.intValue());
    }

    public BigDecimal toBigDecimal() {
      return BigDecimal.valueOf(unscaled, scale);
    }
    public char tag() { return 'D'; }
    public Object toJava() { return toBigDecimal(); }
    public int bodySize() { return 5; }
    public void writeBody(ByteBuf out) { out.writeByte(scale); out.writeInt(unscaled); }
  }

  /** {@code S}: long string. */
  record LongStringValue(LongString value) implements FieldValue {
    public LongStringValue {
      Objects.requireNonNull(value, "value");
    }
    public char tag() { return 'S'; }
    public Object toJava() { return value; }
    public int bodySize() { return 4 + value.length(); }
    public void writeBody(ByteBuf out) { Wire.writeLongString(out, value); }
  }

  /** {@code A}: field array. */
  record ArrayValue(List<FieldValue> values) implements FieldValue {
    public ArrayValue {
      values = List.copyOf(values);
    }
    public char tag() { return 'A'; }
    public Object toJava() {
      List<Object> list = new ArrayList<>(values.size());
      for (FieldValue v : values) {
        list.add(v.toJava());
      }
      return list;
    }
    public int bodySize() {
      int size = 4;
      for (FieldValue v : values) {
        size += 1 + v.bodySize();
      }
      return size;
    }
    public void writeBody(ByteBuf out) {
      int lengthAt = out.writerIndex();
      out.writeInt(0);
      for (FieldValue v : values) {
        FieldValueCodec.write(out, v);
      }
      out.setInt(lengthAt, out.writerIndex() - lengthAt - 4);
    }
  }

  /** {@code T}: timestamp, 64-bit seconds since the epoch. */
  record TimestampValue(long seconds) implements FieldValue {
    public char tag() { return 'T'; }
    /** A {@link Date}, as RabbitMQ's Java client gives it. */
    public Object toJava() { return new Date(seconds * 1000); }
    public int bodySize() { return 8; }
    public void writeBody(ByteBuf out) { out.writeLong(seconds); }
  }

  /** {@code F}: nested field table. */
  record TableValue(FieldTable value) implements FieldValue {
    public TableValue {
      Objects.requireNonNull(value, "value");
    }
    public char tag() { return 'F'; }
    public Object toJava() { return value.toMap(); }
    public int bodySize() { return value.encodedSize(); }
    public void writeBody(ByteBuf out) { value.encode(out); }
  }

  /** {@code V}: void, no value. */
  record VoidValue() implements FieldValue {
    public static final VoidValue INSTANCE = new VoidValue();
    public char tag() { return 'V'; }
    public Object toJava() { return null; }
    public int bodySize() { return 0; }
    public void writeBody(ByteBuf out) {}
  }

  /** {@code x}: byte array. */
  record BytesValue(LongString value) implements FieldValue {
    public BytesValue {
      Objects.requireNonNull(value, "value");
    }
    public char tag() { return 'x'; }
    public Object toJava() { return value.bytes(); }
    public int bodySize() { return 4 + value.length(); }
    public void writeBody(ByteBuf out) { Wire.writeLongString(out, value); }
  }

  /**
   * Maps a plain Java value to the tag RabbitMQ's Java client would use: String/LongString -> S,
   * Integer -> I, Long -> l, Short -> s, Byte -> b, Boolean -> t, Float -> f, Double -> d,
   * BigDecimal -> D, Date/Instant -> T, byte[] -> x, List/array -> A, Map/FieldTable -> F, null
   * -> V; a FieldValue is kept as it is.
   */
  static FieldValue of(Object v) {
    if (v == null) {
      return VoidValue.INSTANCE;
    } else if (v instanceof FieldValue fv) {
      return fv;
    } else if (v instanceof String s) {
      return new LongStringValue(LongString.of(s));
    } else if (v instanceof LongString s) {
      return new LongStringValue(s);
    } else if (v instanceof Integer i) {
      return new IntValue(i);
    } else if (v instanceof Long l) {
      return new LongValue(l);
    } else if (v instanceof Boolean b) {
      return b ? BooleanValue.TRUE : BooleanValue.FALSE;
    } else if (v instanceof Short s) {
      return new ShortValue(s);
    } else if (v instanceof Byte b) {
      return new ByteValue(b);
    } else if (v instanceof Double d) {
      return new DoubleValue(d);
    } else if (v instanceof Float f) {
      return new FloatValue(f);
    } else if (v instanceof BigDecimal d) {
      return DecimalValue.of(d);
    } else if (v instanceof Date d) {
      return new TimestampValue(Math.floorDiv(d.getTime(), 1000));
    } else if (v instanceof Instant i) {
      return new TimestampValue(i.getEpochSecond());
    } else if (v instanceof byte[] b) {
      return new BytesValue(LongString.of(b));
    } else if (v instanceof FieldTable t) {
      return new TableValue(t);
    } else if (v instanceof Map<?, ?> m) {
      return new TableValue(FieldTable.of(m));
    } else if (v instanceof List<?> list) {
      List<FieldValue> values = new ArrayList<>(list.size());
      for (Object o : list) {
        values.add(of(o));
      }
      return new ArrayValue(values);
    } else if (v instanceof Object[] array) {
      return of(java.util.Arrays.asList(array));
    }
    throw new IllegalArgumentException("no AMQP field type for " + v.getClass().getName());
  }
}
