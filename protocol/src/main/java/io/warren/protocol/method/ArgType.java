package io.warren.protocol.method;

import io.netty.buffer.ByteBuf;
import io.warren.protocol.types.FieldTable;
import io.warren.protocol.types.LongString;
import io.warren.protocol.types.Wire;

/**
 * The wire types of method arguments, with the Java type each maps to in the method records and
 * the value written for a reserved argument of that type.
 */
public enum ArgType {
  /** 8-bit unsigned. */
  OCTET(int.class, 0) {
    @Override
    Object read(ByteBuf in) {
      return Wire.readOctet(in);
    }

    @Override
    void write(ByteBuf out, Object value) {
      int v = (Integer) value;
      checkRange(v, 0xFF);
      out.writeByte(v);
    }
  },
  /** 16-bit unsigned. */
  SHORT(int.class, 0) {
    @Override
    Object read(ByteBuf in) {
      return Wire.readShort(in);
    }

    @Override
    void write(ByteBuf out, Object value) {
      int v = (Integer) value;
      checkRange(v, 0xFFFF);
      out.writeShort(v);
    }
  },
  /** 32-bit unsigned. */
  LONG(long.class, 0L) {
    @Override
    Object read(ByteBuf in) {
      return Wire.readLong(in);
    }

    @Override
    void write(ByteBuf out, Object value) {
      long v = (Long) value;
      checkRange(v, 0xFFFF_FFFFL);
      out.writeInt((int) v);
    }
  },
  /** 64-bit; Java's long holds the raw bits. */
  LONGLONG(long.class, 0L) {
    @Override
    Object read(ByteBuf in) {
      return Wire.readLongLong(in);
    }

    @Override
    void write(ByteBuf out, Object value) {
      out.writeLong((Long) value);
    }
  },
  /** One bit; consecutive bits share octets (the codec packs them, not this constant). */
  BIT(boolean.class, false) {
    @Override
    Object read(ByteBuf in) {
      throw new UnsupportedOperationException("bits are packed by the method codec");
    }

    @Override
    void write(ByteBuf out, Object value) {
      throw new UnsupportedOperationException("bits are packed by the method codec");
    }
  },
  /** Up to 255 bytes of UTF-8. */
  SHORTSTR(String.class, "") {
    @Override
    Object read(ByteBuf in) {
      return Wire.readShortString(in);
    }

    @Override
    void write(ByteBuf out, Object value) {
      Wire.writeShortString(out, (String) value);
    }
  },
  /** 32-bit length and bytes. */
  LONGSTR(LongString.class, LongString.EMPTY) {
    @Override
    Object read(ByteBuf in) {
      return Wire.readLongString(in);
    }

    @Override
    void write(ByteBuf out, Object value) {
      Wire.writeLongString(out, (LongString) value);
    }
  },
  /** Field table. */
  TABLE(FieldTable.class, FieldTable.EMPTY) {
    @Override
    Object read(ByteBuf in) {
      return FieldTable.decode(in);
    }

    @Override
    void write(ByteBuf out, Object value) {
      ((FieldTable) value).encode(out);
    }
  };

  private final Class<?> javaType;
  private final Object reservedValue;

  ArgType(Class<?> javaType, Object reservedValue) {
    this.javaType = javaType;
    this.reservedValue = reservedValue;
  }

  /** The type of the record component that holds an argument of this type. */
  public Class<?> javaType() {
    return javaType;
  }

  /** What a reserved argument of this type is written as. */
  Object reservedValue() {
    return reservedValue;
  }

  /** Reads one value (boxed). Throws AmqpException on truncated or malformed input. */
  abstract Object read(ByteBuf in);

  /** Writes one value (boxed). Throws IllegalArgumentException if it does not fit. */
  abstract void write(ByteBuf out, Object value);

  static void checkRange(long v, long max) {
    if (v < 0 || v > max) {
      throw new IllegalArgumentException("value " + v + " out of range 0.." + max);
    }
  }
}
