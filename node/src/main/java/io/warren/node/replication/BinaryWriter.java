package io.warren.node.replication;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.warren.model.Arguments;
import io.warren.model.ChannelRef;
import io.warren.model.Command.Outcome;
import io.warren.model.ExchangeName;
import io.warren.model.Message;
import io.warren.model.QueueName;
import io.warren.model.Resource;
import java.util.List;

/**
 * Appends the field types of commands and stored messages to a buffer, one method per type, each
 * returning this so a layout reads as one line. {@link BinaryReader} reads every type back; the
 * two must change together.
 *
 * <p>Integers are big-endian and fixed width; strings and byte arrays are a 32-bit length then
 * the bytes (strings as UTF-8); booleans one byte, 0 or 1.
 */
final class BinaryWriter {
  /** {@link #resource} kinds. */
  static final int QUEUE = 0;
  static final int EXCHANGE = 1;

  private final ByteBuf out;

  BinaryWriter(ByteBuf out) {
    this.out = out;
  }

  BinaryWriter int8(int value) {
    out.writeByte(value);
    return this;
  }

  BinaryWriter int32(int value) {
    out.writeInt(value);
    return this;
  }

  BinaryWriter int64(long value) {
    out.writeLong(value);
    return this;
  }

  BinaryWriter bool(boolean value) {
    return int8(value ? 1 : 0);
  }

  BinaryWriter string(String s) {
    int lengthAt = out.writerIndex();
    out.writeInt(0);
    // The byte count is taken from what was written, so it is right even for unpaired surrogates.
    out.setInt(lengthAt, ByteBufUtil.writeUtf8(out, s));
    return this;
  }

  /** A presence byte, then the string if present. */
  BinaryWriter optionalString(String s) {
    return s == null ? bool(false) : bool(true).string(s);
  }

  /** A count, then each string. */
  BinaryWriter strings(List<String> values) {
    out.writeInt(values.size());
    values.forEach(this::string);
    return this;
  }

  BinaryWriter bytes(byte[] bytes) {
    out.writeInt(bytes.length);
    out.writeBytes(bytes);
    return this;
  }

  BinaryWriter longs(long[] values) {
    out.writeInt(values.length);
    for (long v : values) {
      out.writeLong(v);
    }
    return this;
  }

  BinaryWriter channel(ChannelRef channel) {
    return int64(channel.connection()).int32(channel.channel());
  }

  BinaryWriter queue(QueueName queue) {
    return string(queue.vhost()).string(queue.name());
  }

  BinaryWriter exchange(ExchangeName exchange) {
    return string(exchange.vhost()).string(exchange.name());
  }

  BinaryWriter resource(Resource resource) {
    return int8(resource instanceof QueueName ? QUEUE : EXCHANGE).string(resource.vhost()).string(resource.name());
  }

  BinaryWriter queues(List<QueueName> queues) {
    int32(queues.size());
    queues.forEach(this::queue);
    return this;
  }

  BinaryWriter arguments(Arguments arguments) {
    ArgumentsCodec.write(out, arguments);
    return this;
  }

  BinaryWriter outcome(Outcome outcome) {
    // Explicit codes rather than ordinal(), so reordering the enum cannot change the log's meaning.
    return int8(switch (outcome) {
      case ACK -> 0;
      case REQUEUE -> 1;
      case DISCARD -> 2;
      case RETURN -> 3;
    });
  }

  /** A message with its body, as a command carries it. */
  BinaryWriter message(Message message) {
    return envelope(message).bytes(message.body().bytes());
  }

  /** Everything of a message but its body. */
  BinaryWriter envelope(Message message) {
    return string(message.exchange())
        .string(message.routingKey())
        .bytes(message.properties())
        .bool(message.persistent())
        .arguments(message.headers())
        .optionalString(message.expiration())
        .int8(message.priority());
  }
}
