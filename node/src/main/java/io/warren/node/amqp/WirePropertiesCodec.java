package io.warren.node.amqp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.warren.model.Arguments;
import io.warren.model.PropertiesCodec;
import io.warren.protocol.content.BasicProperties;

/** The model's {@link PropertiesCodec} on the protocol's property codec: decode, change, encode. */
public final class WirePropertiesCodec implements PropertiesCodec {
  /** Property flags and nothing else: a message published without properties. */
  private static final int FLAGS_BYTES = 2;

  @Override
  public String property(byte[] properties, String name) {
    if (properties.length < FLAGS_BYTES) {
      return null;
    }
    BasicProperties p = BasicProperties.decode(Unpooled.wrappedBuffer(properties));
    Object value = switch (name) {
      case "message_id" -> p.messageId();
      case "correlation_id" -> p.correlationId();
      case "timestamp" -> p.timestamp();
      default -> null;
    };
    return value == null ? null : value.toString();
  }

  @Override
  public byte[] withHeaders(byte[] properties, Arguments headers, boolean dropExpiration) {
    BasicProperties decoded = properties.length < FLAGS_BYTES
        ? BasicProperties.EMPTY
        : BasicProperties.decode(Unpooled.wrappedBuffer(properties));
    BasicProperties.Builder changed = decoded.toBuilder()
        .headers(headers.isEmpty() ? null : FieldTables.toFieldTable(headers));
    if (dropExpiration) {
      changed.expiration(null);
    }
    ByteBuf out = Unpooled.buffer(properties.length + 256);
    changed.build().encode(out);
    return ByteBufUtil.getBytes(out);
  }
}
