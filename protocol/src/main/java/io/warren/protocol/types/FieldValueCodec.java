package io.warren.protocol.types;

import io.netty.buffer.ByteBuf;
import io.warren.protocol.AmqpException;
import io.warren.protocol.types.FieldValue.ArrayValue;
import io.warren.protocol.types.FieldValue.BooleanValue;
import io.warren.protocol.types.FieldValue.BytesValue;
import io.warren.protocol.types.FieldValue.ByteValue;
import io.warren.protocol.types.FieldValue.DecimalValue;
import io.warren.protocol.types.FieldValue.DoubleValue;
import io.warren.protocol.types.FieldValue.FloatValue;
import io.warren.protocol.types.FieldValue.IntValue;
import io.warren.protocol.types.FieldValue.LongLongValue;
import io.warren.protocol.types.FieldValue.LongStringValue;
import io.warren.protocol.types.FieldValue.LongValue;
import io.warren.protocol.types.FieldValue.ShortValue;
import io.warren.protocol.types.FieldValue.TableValue;
import io.warren.protocol.types.FieldValue.TimestampValue;
import io.warren.protocol.types.FieldValue.UnsignedByteValue;
import io.warren.protocol.types.FieldValue.UnsignedIntValue;
import io.warren.protocol.types.FieldValue.UnsignedShortValue;
import io.warren.protocol.types.FieldValue.VoidValue;
import java.util.ArrayList;
import java.util.List;

/** Reads and writes tagged field values (the insides of tables and arrays). */
final class FieldValueCodec {
  private FieldValueCodec() {}

  /** Writes tag and value. */
  static void write(ByteBuf out, FieldValue v) {
    out.writeByte(v.tag());
    v.writeBody(out);
  }

  /**
   * Reads a tag and its value. Unknown tags are 502 SYNTAX_ERROR; truncated input is 501
   * FRAME_ERROR.
   */
  static FieldValue read(ByteBuf in, int depth) {
    int tag = Wire.readOctet(in);
    switch (tag) {
      case 't':
        return Wire.readOctet(in) != 0 ? BooleanValue.TRUE : BooleanValue.FALSE;
      case 'b':
        return new ByteValue((byte) Wire.readOctet(in));
      case 'B':
        return new UnsignedByteValue(Wire.readOctet(in));
      case 's':
        return new ShortValue((short) Wire.readShort(in));
      case 'u':
        return new UnsignedShortValue(Wire.readShort(in));
      case 'I':
        return new IntValue((int) Wire.readLong(in));
      case 'i':
        return new UnsignedIntValue(Wire.readLong(in));
      case 'l':
        return new LongValue(Wire.readLongLong(in));
      case 'L':
        return new LongLongValue(Wire.readLongLong(in));
      case 'f':
        return new FloatValue(Float.intBitsToFloat((int) Wire.readLong(in)));
      case 'd':
        return new DoubleValue(Double.longBitsToDouble(Wire.readLongLong(in)));
      case 'D': {
        int scale = Wire.readOctet(in);
        return new DecimalValue(scale, (int) Wire.readLong(in));
      }
      case 'S':
        return new LongStringValue(Wire.readLongString(in));
      case 'x':
        return new BytesValue(Wire.readLongString(in));
      case 'T':
        return new TimestampValue(Wire.readLongLong(in));
      case 'V':
        return VoidValue.INSTANCE;
      case 'F':
        return new TableValue(FieldTable.decode(in, depth + 1));
      case 'A':
        return readArray(in, depth + 1);
      default:
        throw AmqpException.syntaxError("unknown field value type 0x" + Integer.toHexString(tag));
    }
  }

  private static ArrayValue readArray(ByteBuf in, int depth) {
    FieldTable.checkDepth(depth);
    int len = Wire.readLengthPrefix(in, "field array");
    ByteBuf body = in.readSlice(len);
    List<FieldValue> values = new ArrayList<>();
    while (body.isReadable()) {
      values.add(read(body, depth));
    }
    return new ArrayValue(values);
  }
}
