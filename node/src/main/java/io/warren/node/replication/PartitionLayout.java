package io.warren.node.replication;

import io.warren.model.QueueName;
import io.warren.storage.Keys;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Where a queue partition keeps its state in its store. Families:
 *
 * <ul>
 *   <li>{@value #QUEUES}: queue key → the queue's declaration (a DeclareQueue command).
 *   <li>{@value #MESSAGES}: queue key + message id (8 bytes, big-endian) → the message without
 *       its body, prefixed with the body length (4 bytes). Only persistent messages.
 *   <li>{@value #BODIES}: message id → body bytes, once per message even when it sits in several
 *       queues of the partition.
 *   <li>{@value #STATE}: {@code "next-id"} → the next message id; {@code "w"} + queue key → the
 *       highest message id ever handed out from that queue (messages up to it come back
 *       redelivered after a restart); {@code "x"} + message key → when that message expires (ms
 *       since the epoch, 8 bytes), for messages with a TTL; {@code "d"} + message key → how often
 *       it came back to the queue (4 bytes), in queues that count deliveries; {@code "p"} + vhost
 *       and policy name (as a queue key) → the policy (a SetPolicy command): every policy, so that
 *       restored queues get the settings their policy gives them.
 * </ul>
 *
 * A queue key is the vhost and the name, each prefixed with its length, so no queue's key is a
 * prefix of another's and one queue's messages are one key range.
 */
final class PartitionLayout {
  static final String QUEUES = "queues";
  static final String MESSAGES = "messages";
  static final String BODIES = "bodies";
  static final String STATE = "state";
  static final byte[] NEXT_ID = "next-id".getBytes(StandardCharsets.US_ASCII);
  /** The clients as of the snapshot this store came from (see {@link io.warren.model.ClientsSnapshot}). */
  static final byte[] CLIENTS = "clients".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] WATERMARK = {'w'};
  private static final byte[] EXPIRY = {'x'};
  private static final byte[] DELIVERY_COUNT = {'d'};
  static final byte[] POLICY = {'p'};

  private PartitionLayout() {}

  static byte[] queueKey(QueueName q) {
    byte[] vhost = q.vhost().getBytes(StandardCharsets.UTF_8);
    byte[] name = q.name().getBytes(StandardCharsets.UTF_8);
    return ByteBuffer.allocate(8 + vhost.length + name.length)
        .putInt(vhost.length).put(vhost).putInt(name.length).put(name).array();
  }

  static QueueName queueOf(byte[] key) {
    ByteBuffer b = ByteBuffer.wrap(key);
    String vhost = utf8(b);
    String name = utf8(b);
    return new QueueName(vhost, name);
  }

  private static String utf8(ByteBuffer b) {
    byte[] s = new byte[b.getInt()];
    b.get(s);
    return new String(s, StandardCharsets.UTF_8);
  }

  static byte[] messageKey(byte[] queueKey, long id) {
    return Keys.withLong(queueKey, id);
  }

  /** The message id at the end of a message key. */
  static long idOf(byte[] messageKey) {
    return Keys.getLong(messageKey, messageKey.length - 8);
  }

  /** The queue key at the start of a message key. */
  static byte[] queueKeyOf(byte[] messageKey) {
    return java.util.Arrays.copyOf(messageKey, messageKey.length - 8);
  }

  static byte[] bodyKey(long id) {
    return Keys.ofLong(id);
  }

  static byte[] watermarkKey(byte[] queueKey) {
    return Keys.concat(WATERMARK, queueKey);
  }

  static byte[] expiryKey(byte[] messageKey) {
    return Keys.concat(EXPIRY, messageKey);
  }

  static byte[] policyKey(String vhost, String name) {
    return Keys.concat(POLICY, queueKey(new QueueName(vhost, name)));
  }

  static byte[] deliveryCountKey(byte[] messageKey) {
    return Keys.concat(DELIVERY_COUNT, messageKey);
  }
}
