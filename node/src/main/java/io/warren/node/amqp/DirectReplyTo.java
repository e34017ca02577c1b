package io.warren.node.amqp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.warren.model.Message;
import io.warren.protocol.AmqpException;
import io.warren.protocol.ReplyCode;
import io.warren.protocol.content.BasicProperties;
import io.warren.protocol.method.BasicConsume;
import io.warren.protocol.method.BasicPublish;
import java.security.SecureRandom;

/**
 * RabbitMQ's direct reply-to: a requester consumes (no-ack) from the pseudo-queue
 * {@code amq.rabbitmq.reply-to} and publishes requests with that as reply_to; the broker rewrites
 * it to an address naming the requester's channel, and a reply published to the default exchange
 * with that address as routing key goes straight to the requester, with no queue. Node-local
 * today; the address names the connection and channel, plus a random secret so addresses cannot
 * be guessed.
 */
final class DirectReplyTo {
  static final String PSEUDO_QUEUE = "amq.rabbitmq.reply-to";
  private static final String PREFIX = PSEUDO_QUEUE + ".";
  private static final SecureRandom RANDOM = new SecureRandom();

  private final AmqpConnection conn;
  private final ConnectionRegistry registry;
  private final long secret = RANDOM.nextLong() & Long.MAX_VALUE;

  DirectReplyTo(AmqpConnection conn, ConnectionRegistry registry) {
    this.conn = conn;
    this.registry = registry;
  }

  static boolean isReplyAddress(String routingKey) {
    return routingKey.startsWith(PREFIX);
  }

  void register() {
    registry.add(conn);
  }

  void unregister() {
    registry.remove(conn);
  }

  void consume(AmqpChannel ch, BasicConsume c, String tag) {
    if (!c.noAck()) {
      throw new AmqpException(ReplyCode.PRECONDITION_FAILED, "reply consumer cannot acknowledge", c.classId(),
          c.methodId());
    }
    if (ch.replyToConsumer != null) {
      throw new AmqpException(ReplyCode.PRECONDITION_FAILED, "reply consumer already set", c.classId(),
          c.methodId());
    }
    ch.replyToConsumer = tag;
    ch.sendConsumeOk(tag, c.noWait());
  }

  /** The request's properties with reply_to set to this channel's address. */
  byte[] rewriteReplyTo(AmqpChannel ch, BasicProperties props, BasicPublish p) {
    if (ch.replyToConsumer == null) {
      throw new AmqpException(ReplyCode.PRECONDITION_FAILED, "fast reply consumer does not exist", p.classId(),
          p.methodId());
    }
    String address = PREFIX + conn.id() + "." + ch.ref.channel() + "." + secret;
    ByteBuf out = Unpooled.buffer();
    try {
      props.toBuilder().replyTo(address).build().encode(out);
      return ByteBufUtil.getBytes(out);
    } finally {
      out.release();
    }
  }

  /** Hands a reply to the requester's connection; false when the address names nobody here. */
  boolean deliver(Message reply) {
    String[] parts = reply.routingKey().substring(PREFIX.length()).split("\\.");
    if (parts.length != 3) {
      return false;
    }
    long connectionId;
    int channelKey;
    long key;
    try {
      connectionId = Long.parseLong(parts[0]);
      channelKey = Integer.parseInt(parts[1]);
      key = Long.parseLong(parts[2]);
    } catch (NumberFormatException e) {
      return false;
    }
    AmqpConnection target = registry.get(connectionId);
    if (target == null || target.directReplyTo().secret != key) {
      return false;
    }
    target.execute(() -> target.deliverDirect(channelKey, reply));
    return true;
  }
}
