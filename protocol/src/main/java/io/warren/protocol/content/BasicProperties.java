package io.warren.protocol.content;

import io.netty.buffer.ByteBuf;
import io.warren.protocol.AmqpException;
import io.warren.protocol.types.FieldTable;
import io.warren.protocol.types.Wire;

/**
 * The 14 properties of the basic class, each null when absent: what follows class id, weight and
 * body size in a content header frame (property flags, then the present properties in order).
 * Encoding what was decoded gives the same bytes.
 *
 * @param deliveryMode 1 = transient, 2 = persistent (an octet)
 * @param priority 0..255 (an octet; clients use 0..9)
 * @param timestamp seconds since the epoch
 */
public record BasicProperties(
    String contentType,
    String contentEncoding,
    FieldTable headers,
    Integer deliveryMode,
    Integer priority,
    String correlationId,
    String replyTo,
    String expiration,
    String messageId,
    Long timestamp,
    String type,
    String userId,
    String appId,
    String clusterId) {

  public static final BasicProperties EMPTY = new BasicProperties(
      null, null, null, null, null, null, null, null, null, null, null, null, null, null);

  // Property flag bits, highest first, in the order the properties are listed.
  private static final int CONTENT_TYPE = 1 << 15;
  private static final int CONTENT_ENCODING = 1 << 14;
  private static final int HEADERS = 1 << 13;
  private static final int DELIVERY_MODE = 1 << 12;
  private static final int PRIORITY = 1 << 11;
  private static final int CORRELATION_ID = 1 << 10;
  private static final int REPLY_TO = 1 << 9;
  private static final int EXPIRATION = 1 << 8;
  private static final int MESSAGE_ID = 1 << 7;
  private static final int TIMESTAMP = 1 << 6;
  private static final int TYPE = 1 << 5;
  private static final int USER_ID = 1 << 4;
  private static final int APP_ID = 1 << 3;
  private static final int CLUSTER_ID = 1 << 2;
  /** Bit 0 says another flags word follows (never needed for basic's 14 properties). */
  private static final int CONTINUATION = 1;

  public BasicProperties {
    checkOctet(deliveryMode, "deliveryMode");
    checkOctet(priority, "priority");
  }

  private static void checkOctet(Integer v, String name) {
    if (v != null && (v < 0 || v > 0xFF)) {
      throw new IllegalArgumentException(name + " out of range 0..255: " + v);
    }
  }

  /** Persistent messages have delivery mode 2. */
  public boolean isPersistent() {
    return deliveryMode != null && deliveryMode == 2;
  }

  /**
   * Reads flags and properties; consumes all readable bytes of {@code in} and neither retains nor
   * releases it.
   *
   * @throws AmqpException 501 FRAME_ERROR if the bytes are truncated, have bytes left over, or
   *     hold malformed UTF-8; 502 SYNTAX_ERROR for flags of unknown properties or a bad header
   *     table value
   */
  public static BasicProperties decode(ByteBuf in) {
    int flags = Wire.readShort(in);
    int more = flags;
    while ((more & CONTINUATION) != 0) {
      more = Wire.readShort(in);
      if ((more & ~CONTINUATION) != 0) {
        throw AmqpException.syntaxError("unknown basic property flags 0x" + Integer.toHexString(more));
      }
    }
    BasicProperties p = new BasicProperties(
        (flags & CONTENT_TYPE) != 0 ? Wire.readShortString(in) : null,
        (flags & CONTENT_ENCODING) != 0 ? Wire.readShortString(in) : null,
        (flags & HEADERS) != 0 ? FieldTable.decode(in) : null,
        (flags & DELIVERY_MODE) != 0 ? (Integer) Wire.readOctet(in) : null,
        (flags & PRIORITY) != 0 ? (Integer) Wire.readOctet(in) : null,
        (flags & CORRELATION_ID) != 0 ? Wire.readShortString(in) : null,
        (flags & REPLY_TO) != 0 ? Wire.readShortString(in) : null,
        (flags & EXPIRATION) != 0 ? Wire.readShortString(in) : null,
        (flags & MESSAGE_ID) != 0 ? Wire.readShortString(in) : null,
        (flags & TIMESTAMP) != 0 ? (Long) Wire.readLongLong(in) : null,
        (flags & TYPE) != 0 ? Wire.readShortString(in) : null,
        (flags & USER_ID) != 0 ? Wire.readShortString(in) : null,
        (flags & APP_ID) != 0 ? Wire.readShortString(in) : null,
        (flags & CLUSTER_ID) != 0 ? Wire.readShortString(in) : null);
    if (in.isReadable()) {
      throw AmqpException.frameError(in.readableBytes() + " bytes after the basic properties");
    }
    return p;
  }

  /** Writes flags and the present properties. */
  public void encode(ByteBuf out) {
    int flags = (contentType != null ? CONTENT_TYPE : 0)
        | (contentEncoding != null ? CONTENT_ENCODING : 0)
        | (headers != null ? HEADERS : 0)
        | (deliveryMode != null ? DELIVERY_MODE : 0)
        | (priority != null ? PRIORITY : 0)
        | (correlationId != null ? CORRELATION_ID : 0)
        | (replyTo != null ? REPLY_TO : 0)
        | (expiration != null ? EXPIRATION : 0)
        | (messageId != null ? MESSAGE_ID : 0)
        | (timestamp != null ? TIMESTAMP : 0)
        | (type != null ? TYPE : 0)
        | (userId != null ? USER_ID : 0)
        | (appId != null ? APP_ID : 0)
        | (clusterId != null ? CLUSTER_ID : 0);
    out.writeShort(flags);
    writeShortString(out, contentType);
    writeShortString(out, contentEncoding);
    if (headers != null) {
      headers.encode(out);
    }
    if (deliveryMode != null) {
      out.writeByte(deliveryMode);
    }
    if (priority != null) {
      out.writeByte(priority);
    }
    writeShortString(out, correlationId);
    writeShortString(out, replyTo);
    writeShortString(out, expiration);
    writeShortString(out, messageId);
    if (timestamp != null) {
      out.writeLong(timestamp);
    }
    writeShortString(out, type);
    writeShortString(out, userId);
    writeShortString(out, appId);
    writeShortString(out, clusterId);
  }

  private static void writeShortString(ByteBuf out, String s) {
    if (s != null) {
      Wire.writeShortString(out, s);
    }
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A builder starting from these properties. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.contentType = contentType;
    b.contentEncoding = contentEncoding;
    b.headers = headers;
    b.deliveryMode = deliveryMode;
    b.priority = priority;
    b.correlationId = correlationId;
    b.replyTo = replyTo;
    b.expiration = expiration;
    b.messageId = messageId;
    b.timestamp = timestamp;
    b.type = type;
    b.userId = userId;
    b.appId = appId;
    b.clusterId = clusterId;
    return b;
  }

  /** Fluent construction; unset properties stay absent. */
  public static final class Builder {
    private String contentType;
    private String contentEncoding;
    private FieldTable headers;
    private Integer deliveryMode;
    private Integer priority;
    private String correlationId;
    private String replyTo;
    private String expiration;
    private String messageId;
    private Long timestamp;
    private String type;
    private String userId;
    private String appId;
    private String clusterId;

    private Builder() {}

    public Builder contentType(String v) { contentType = v; return this; }
    public Builder contentEncoding(String v) { contentEncoding = v; return this; }
    public Builder headers(FieldTable v) { headers = v; return this; }
    public Builder deliveryMode(Integer v) { deliveryMode = v; return this; }
    public Builder priority(Integer v) { priority = v; return this; }
    public Builder correlationId(String v) { correlationId = v; return this; }
    public Builder replyTo(String v) { replyTo = v; return this; }
    public Builder expiration(String v) { expiration = v; return this; }
    public Builder messageId(String v) { messageId = v; return this; }
    public Builder timestamp(Long v) { timestamp = v; return this; }
    public Builder type(String v) { type = v; return this; }
    public Builder userId(String v) { userId = v; return this; }
    public Builder appId(String v) { appId = v; return this; }
    public Builder clusterId(String v) { clusterId = v; return this; }

    public BasicProperties build() {
      return new BasicProperties(contentType, contentEncoding, headers, deliveryMode, priority,
          correlationId, replyTo, expiration, messageId, timestamp, type, userId, appId,
          clusterId);
    }
  }
}
