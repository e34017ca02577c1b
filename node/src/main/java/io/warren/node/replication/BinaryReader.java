package io.warren.node.replication;

import io.netty.buffer.ByteBuf;
import io.warren.model.Arguments;
import io.warren.model.ChannelRef;
import io.warren.model.Command.Outcome;
import io.warren.model.ExchangeName;
import io.warren.model.Message;
import io.warren.model.MessageBody;
import io.warren.model.QueueName;
import io.warren.model.Resource;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads back what {@link BinaryWriter} writes, one method per field type. Every read checks its
 * bounds first, so truncated or corrupt input fails with an IllegalArgumentException naming what
 * was being read (never Netty's IndexOutOfBoundsException, and never a huge allocation from a
 * corrupt length).
 */
final class BinaryReader {
  private final ByteBuf in;
  private final String what;

  /** @param what what the input holds ("command", "stored message"), for error messages */
  BinaryReader(ByteBuf in, String what) {
    this.in = in;
    this.what = what;
  }

  int int8() {
    need(1, "byte");
    return in.readUnsignedByte();
  }

  int int32() {
    need(4, "int");
    return in.readInt();
  }

  long int64() {
    need(8, "long");
    return in.readLong();
  }

  boolean bool() {
    int b = int8();
    if (b > 1) {
      throw corrupt("boolean byte " + b);
    }
    return b == 1;
  }

  String string() {
    int len = length(1, "string");
    String s = in.toString(in.readerIndex(), len, StandardCharsets.UTF_8);
    in.skipBytes(len);
    return s;
  }

  /** A string or null, as {@link BinaryWriter#optionalString} writes it. */
  String optionalString() {
    return bool() ? string() : null;
  }

  /** Strings as {@link BinaryWriter#strings} writes them. */
  List<String> strings() {
    int n = length(4, "string list");
    List<String> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(string());
    }
    return out;
  }

  byte[] bytes() {
    byte[] bytes = new byte[length(1, "byte array")];
    in.readBytes(bytes);
    return bytes;
  }

  long[] longs() {
    long[] values = new long[length(Long.BYTES, "long array")];
    for (int i = 0; i < values.length; i++) {
      values[i] = in.readLong();
    }
    return values;
  }

  ChannelRef channel() {
    return new ChannelRef(int64(), int32());
  }

  QueueName queue() {
    return new QueueName(string(), string());
  }

  ExchangeName exchange() {
    return new ExchangeName(string(), string());
  }

  Resource resource() {
    int kind = int8();
    return switch (kind) {
      case BinaryWriter.QUEUE -> queue();
      case BinaryWriter.EXCHANGE -> exchange();
      default -> throw corrupt("resource kind " + kind);
    };
  }

  List<QueueName> queues() {
    // A queue name is at least two empty strings: 8 bytes.
    int n = length(8, "queue list");
    List<QueueName> queues = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      queues.add(queue());
    }
    return queues;
  }

  Arguments arguments() {
    try {
      return ArgumentsCodec.read(in);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("corrupt " + what + ": " + e.getMessage(), e);
    }
  }

  Outcome outcome() {
    int code = int8();
    return switch (code) {
      case 0 -> Outcome.ACK;
      case 1 -> Outcome.REQUEUE;
      case 2 -> Outcome.DISCARD;
      case 3 -> Outcome.RETURN;
      default -> throw corrupt("settle outcome " + code);
    };
  }

  /** A message with its body, as {@link BinaryWriter#message} writes it. */
  Message message() {
    Envelope envelope = envelope();
    return envelope.withBody(MessageBody.of(bytes()));
  }

  /** Everything of a message but its body, as {@link BinaryWriter#envelope} writes it. */
  Envelope envelope() {
    return new Envelope(string(), string(), bytes(), bool(), arguments(), optionalString(), int8());
  }

  /**
   * A 32-bit element count, checked against what is left: each element takes at least {@code
   * minBytesEach} bytes.
   */
  int length(int minBytesEach, String of) {
    int n = int32();
    if (n < 0) {
      throw corrupt(of + " length " + n);
    }
    if ((long) n * minBytesEach > in.readableBytes()) {
      throw new IllegalArgumentException(
          "truncated " + what + ": " + of + " of length " + n + ", only " + in.readableBytes() + " bytes left");
    }
    return n;
  }

  /** Fails unless everything was read: trailing bytes mean the input is not what we think it is. */
  void expectEnd() {
    if (in.isReadable()) {
      throw corrupt(in.readableBytes() + " unexpected trailing bytes");
    }
  }

  IllegalArgumentException corrupt(String detail) {
    return new IllegalArgumentException("corrupt " + what + ": " + detail);
  }

  private void need(int bytes, String type) {
    if (in.readableBytes() < bytes) {
      throw new IllegalArgumentException(
          "truncated " + what + ": need " + bytes + " bytes for a " + type + ", have " + in.readableBytes());
    }
  }

  /** A message's fields without the body; arrays are never modified. */
  record Envelope(
      String exchange, String routingKey, byte[] properties, boolean persistent, Arguments headers, String expiration,
      int priority) {
    Message withBody(MessageBody body) {
      return new Message(exchange, routingKey, properties, body, headers, persistent, expiration, priority);
    }
  }
}
