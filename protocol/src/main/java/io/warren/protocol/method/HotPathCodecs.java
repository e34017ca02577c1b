package io.warren.protocol.method;

import io.netty.buffer.ByteBuf;
import io.warren.protocol.types.Wire;
import java.util.Objects;

/**
 * Hand-written codecs for the methods on the message hot path (basic.publish, basic.deliver,
 * basic.ack), free of boxing and method-handle calls. {@link MethodTable} stays the description
 * of their wire format: a test checks each of these against the table-driven codec.
 */
final class HotPathCodecs {
  private HotPathCodecs() {}

  /** reserved-1 short, exchange, routing-key, bits mandatory|immediate. */
  static final ArgsCodec BASIC_PUBLISH = new ArgsCodec() {
    @Override
    public AmqpMethod decode(ByteBuf in) {
      Wire.readShort(in);
      String exchange = Wire.readShortString(in);
      String routingKey = Wire.readShortString(in);
      int bits = Wire.readOctet(in);
      return new BasicPublish(exchange, routingKey, (bits & 1) != 0, (bits & 2) != 0);
    }

    @Override
    public void encode(AmqpMethod method, ByteBuf out) {
      BasicPublish m = (BasicPublish) method;
      out.writeShort(0);
      Wire.writeShortString(out, Objects.requireNonNull(m.exchange(), "exchange"));
      Wire.writeShortString(out, Objects.requireNonNull(m.routingKey(), "routingKey"));
      out.writeByte((m.mandatory() ? 1 : 0) | (m.immediate() ? 2 : 0));
    }
  };

  /** consumer-tag, delivery-tag longlong, bit redelivered, exchange, routing-key. */
  static final ArgsCodec BASIC_DELIVER = new ArgsCodec() {
    @Override
    public AmqpMethod decode(ByteBuf in) {
      String consumerTag = Wire.readShortString(in);
      long deliveryTag = Wire.readLongLong(in);
      boolean redelivered = (Wire.readOctet(in) & 1) != 0;
      String exchange = Wire.readShortString(in);
      String routingKey = Wire.readShortString(in);
      return new BasicDeliver(consumerTag, deliveryTag, redelivered, exchange, routingKey);
    }

    @Override
    public void encode(AmqpMethod method, ByteBuf out) {
      BasicDeliver m = (BasicDeliver) method;
      Wire.writeShortString(out, Objects.requireNonNull(m.consumerTag(), "consumerTag"));
      out.writeLong(m.deliveryTag());
      out.writeByte(m.redelivered() ? 1 : 0);
      Wire.writeShortString(out, Objects.requireNonNull(m.exchange(), "exchange"));
      Wire.writeShortString(out, Objects.requireNonNull(m.routingKey(), "routingKey"));
    }
  };

  /** delivery-tag longlong, bit multiple. */
  static final ArgsCodec BASIC_ACK = new ArgsCodec() {
    @Override
    public AmqpMethod decode(ByteBuf in) {
      long deliveryTag = Wire.readLongLong(in);
      return new BasicAck(deliveryTag, (Wire.readOctet(in) & 1) != 0);
    }

    @Override
    public void encode(AmqpMethod method, ByteBuf out) {
      BasicAck m = (BasicAck) method;
      out.writeLong(m.deliveryTag());
      out.writeByte(m.multiple() ? 1 : 0);
    }
  };
}
