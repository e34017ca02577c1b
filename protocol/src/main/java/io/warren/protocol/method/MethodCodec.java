package io.warren.protocol.method;

import io.netty.buffer.ByteBuf;
import io.warren.protocol.AmqpException;
import io.warren.protocol.ReplyCode;
import io.warren.protocol.types.Wire;

/**
 * Reads and writes a method frame's payload: class id, method id, arguments.
 *
 * <p>Errors follow RabbitMQ: arguments that cannot be decoded (truncated, trailing bytes,
 * malformed UTF-8 in a short string) are 501 FRAME_ERROR, an unknown field table value type is
 * 502 SYNTAX_ERROR, unknown class or method ids are 540 NOT_IMPLEMENTED. The exception carries the
 * class and method ids when they were read.
 */
public final class MethodCodec {
  private MethodCodec() {}

  /**
   * Decodes a whole method frame payload. Reads {@code payload} to its end; does not retain or
   * release it.
   *
   * @throws AmqpException on unknown ids or malformed arguments
   */
  public static AmqpMethod decode(ByteBuf payload) {
    Wire.need(payload, 4, "method frame (class and method id)");
    int classId = payload.readUnsignedShort();
    int methodId = payload.readUnsignedShort();
    MethodSpec spec = MethodTable.lookup(classId, methodId);
    if (spec == null) {
      throw new AmqpException(ReplyCode.NOT_IMPLEMENTED,
          "unknown method: class " + classId + ", method " + methodId, classId, methodId);
    }
    AmqpMethod method;
    try {
      method = spec.codec().decode(payload);
    } catch (AmqpException e) {
      throw e.withMethod(classId, methodId);
    } catch (RuntimeException e) {
      // e.g. a decoded value a record or field value refuses; still the client's bad input
      throw new AmqpException(ReplyCode.FRAME_ERROR,
          "cannot decode " + spec.name() + ": " + e.getMessage(), classId, methodId);
    }
    if (payload.isReadable()) {
      throw new AmqpException(ReplyCode.FRAME_ERROR, "cannot decode " + spec.name() + ": "
          + payload.readableBytes() + " bytes after the arguments", classId, methodId);
    }
    return method;
  }

  /**
   * Writes class id, method id and arguments to {@code out}.
   *
   * @throws IllegalArgumentException if an argument does not fit its wire type (a short string
   *     over 255 bytes, a short out of 0..65535, ...)
   * @throws NullPointerException if an argument is null
   */
  public static void encode(AmqpMethod method, ByteBuf out) {
    MethodSpec spec = MethodTable.of(method.getClass());
    out.writeShort(spec.classId());
    out.writeShort(spec.methodId());
    spec.codec().encode(method, out);
  }
}
