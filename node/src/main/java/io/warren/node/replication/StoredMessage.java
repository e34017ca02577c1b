package io.warren.node.replication;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.warren.model.Message;
import io.warren.model.MessageBody;
import java.util.Arrays;

/**
 * The RocksDB value of a message in a durable queue. The body comes last and whole, at an offset
 * the first five bytes give, so a reader can take the body without parsing (or copying) the rest,
 * and the rest without touching the body:
 *
 * <pre>
 * offset  size  field
 * 0       1     format ({@value #FORMAT})
 * 1       4     E, the length of the envelope (big-endian)
 * 5       E     envelope: exchange, routing key (32-bit length + UTF-8 each), raw properties
 *               (32-bit length + bytes), persistent (1 byte, 0 or 1), headers (an AMQP field
 *               table, as {@link ArgumentsCodec} writes it), expiration (1 byte, 0 when absent;
 *               else 1 then 32-bit length + UTF-8), priority (1 byte, 0 when absent)
 * 5 + E   rest  body, to the end of the value
 * </pre>
 */
public final class StoredMessage {
  /** Bumped when the layout changes, so an old value is never misread as a new one. */
  private static final int FORMAT = 3;

  /** The format byte and the envelope length. */
  private static final int PREFIX = 1 + Integer.BYTES;

  private StoredMessage() {}

  public static byte[] encode(Message message) {
    ByteBuf envelope = Unpooled.buffer(128);
    new BinaryWriter(envelope).envelope(message);
    byte[] body = message.body().bytes();
    byte[] value = new byte[PREFIX + envelope.readableBytes() + body.length];
    ByteBuf out = Unpooled.wrappedBuffer(value).clear();
    out.writeByte(FORMAT).writeInt(envelope.readableBytes()).writeBytes(envelope).writeBytes(body);
    return value;
  }

  /**
   * The message, with its body copied out of {@code value}.
   *
   * @throws IllegalArgumentException if the value is truncated, corrupt or of another format
   */
  public static Message decode(byte[] value) {
    int offset = bodyOffset(value);
    return decode(value, MessageBody.of(Arrays.copyOfRange(value, offset, value.length)));
  }

  /**
   * The message's fields, with {@code body} as its body: the stored body is neither read nor
   * copied (for a reader that keeps bodies elsewhere and fetches them with {@link #bodyOffset}).
   *
   * @throws IllegalArgumentException if the value is truncated, corrupt or of another format
   */
  public static Message decode(byte[] value, MessageBody body) {
    int envelopeLength = bodyOffset(value) - PREFIX;
    BinaryReader in = reader(Unpooled.wrappedBuffer(value, PREFIX, envelopeLength));
    BinaryReader.Envelope envelope = in.envelope();
    in.expectEnd();
    return envelope.withBody(body);
  }

  /**
   * Where the body starts in {@code value}; it runs to the end. Reads only the first five bytes.
   *
   * @throws IllegalArgumentException if the value is truncated or of another format
   */
  public static int bodyOffset(byte[] value) {
    BinaryReader in = reader(Unpooled.wrappedBuffer(value));
    int format = in.int8();
    if (format != FORMAT) {
      throw in.corrupt("unknown format " + format);
    }
    return PREFIX + in.length(1, "envelope");
  }

  /** The body's length in bytes. */
  public static int bodyLength(byte[] value) {
    return value.length - bodyOffset(value);
  }

  private static BinaryReader reader(ByteBuf in) {
    return new BinaryReader(in, "stored message");
  }
}
