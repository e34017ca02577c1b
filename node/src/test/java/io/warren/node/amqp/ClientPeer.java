package io.warren.node.amqp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import io.warren.node.broker.MemoryAlarm;
import io.warren.node.config.WarrenConfig;
import io.warren.protocol.frame.AmqpFrameDecoder;
import io.warren.protocol.frame.AmqpFrameEncoder;
import io.warren.protocol.frame.ContentBodyFrame;
import io.warren.protocol.frame.ContentHeaderFrame;
import io.warren.protocol.frame.Frame;
import io.warren.protocol.frame.FrameWriter;
import io.warren.protocol.frame.MethodFrame;
import io.warren.protocol.method.AmqpMethod;
import io.warren.protocol.method.ConnectionOpen;
import io.warren.protocol.method.ConnectionStartOk;
import io.warren.protocol.method.ConnectionTuneOk;
import io.warren.protocol.method.ChannelOpen;
import io.warren.protocol.types.FieldTable;
import io.warren.protocol.types.LongString;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Test kit: one {@link AmqpConnection} in an EmbeddedChannel, driven with raw frames as a client
 * would send them; what the server writes is decoded back into frames. Content frames received
 * are copied and released at once, so tests leak nothing.
 */
final class ClientPeer implements AutoCloseable {
  /** A received frame, with content payloads copied out. */
  record Received(int channel, AmqpMethod method, byte[] properties, byte[] body) {}

  final InlineCommandLog log;
  final AtomicLong heapUsed = new AtomicLong();
  final MemoryAlarm alarm = new MemoryAlarm(1000, 0.5, heapUsed::get);
  final EmbeddedChannel server;
  private final EmbeddedChannel reader = new EmbeddedChannel(new AmqpFrameDecoder(0, false));

  ClientPeer() {
    this(new InlineCommandLog(), 1);
  }

  ClientPeer(InlineCommandLog log, long connectionId) {
    this.log = log;
    WarrenConfig config = WarrenConfig.defaults();
    AmqpConnection.Limits limits = new AmqpConnection.Limits(131072, 2047, 0, 1024 * 1024, "test");
    server = new EmbeddedChannel(new AmqpFrameDecoder(131072), new AmqpFrameEncoder(),
        new AmqpConnection(connectionId, log, limits, new Authenticator(config, log::access), alarm, new ConnectionRegistry()));
  }

  void sendProtocolHeader() {
    ByteBuf b = Unpooled.buffer();
    FrameWriter.writeProtocolHeader(b);
    inbound(b);
  }

  void send(int channel, AmqpMethod method) {
    sendFrames(new MethodFrame(channel, method));
  }

  void publish(int channel, AmqpMethod publish, byte[] properties, byte[] body) {
    List<Frame> frames = new ArrayList<>();
    frames.add(new MethodFrame(channel, publish));
    frames.add(new ContentHeaderFrame(channel, 60, body.length, Unpooled.wrappedBuffer(properties)));
    int chunk = 131072 - Frame.OVERHEAD;
    for (int off = 0; off < body.length; off += chunk) {
      frames.add(new ContentBodyFrame(channel, Unpooled.wrappedBuffer(body, off, Math.min(chunk, body.length - off))));
    }
    sendFrames(frames.toArray(Frame[]::new));
  }

  /** Several frames in one read, as a client's pipelined writes arrive. */
  void sendFrames(Frame... frames) {
    ByteBuf b = Unpooled.buffer();
    for (Frame f : frames) {
      FrameWriter.encode(f, b);
      ReferenceCountUtil.release(f);
    }
    inbound(b);
  }

  private void inbound(ByteBuf b) {
    server.writeInbound(b);
    server.runPendingTasks();
  }

  /** Logs in as guest/guest and opens vhost "/" and channel 1; returns nothing received so far. */
  void open() {
    sendProtocolHeader();
    send(0, new ConnectionStartOk(clientProperties(), "PLAIN", LongString.of("\0guest\0guest"), "en_US"));
    send(0, new ConnectionTuneOk(2047, 131072, 0));
    send(0, new ConnectionOpen("/"));
    send(1, new ChannelOpen());
    received();
  }

  static FieldTable clientProperties() {
    FieldTable caps = FieldTable.builder().put("connection.blocked", true).put("consumer_cancel_notify", true)
        .put("publisher_confirms", true).build();
    return FieldTable.builder().put("product", "test").put("capabilities", caps).build();
  }

  /** Everything the server wrote since the last call, as frames with content joined to its method. */
  List<Received> received() {
    server.runPendingTasks();
    Object out;
    while ((out = server.readOutbound()) != null) {
      reader.writeInbound(out);
    }
    List<Received> frames = new ArrayList<>();
    Object in;
    while ((in = reader.readInbound()) != null) {
      if (in instanceof MethodFrame m) {
        frames.add(new Received(m.channel(), m.method(), null, null));
      } else if (in instanceof ContentHeaderFrame h) {
        Received last = frames.remove(frames.size() - 1);
        frames.add(new Received(last.channel(), last.method(), copy(h.properties()), new byte[0]));
        h.release();
      } else if (in instanceof ContentBodyFrame b) {
        Received last = frames.remove(frames.size() - 1);
        byte[] body = copy(b.payload());
        byte[] joined = new byte[last.body().length + body.length];
        System.arraycopy(last.body(), 0, joined, 0, last.body().length);
        System.arraycopy(body, 0, joined, last.body().length, body.length);
        frames.add(new Received(last.channel(), last.method(), last.properties(), joined));
        b.release();
      } else {
        ReferenceCountUtil.release(in);
      }
    }
    return frames;
  }

  List<AmqpMethod> methods() {
    return received().stream().map(Received::method).toList();
  }

  private static byte[] copy(ByteBuf b) {
    byte[] bytes = new byte[b.readableBytes()];
    b.getBytes(b.readerIndex(), bytes);
    return bytes;
  }

  @Override
  public void close() {
    server.finishAndReleaseAll();
    reader.finishAndReleaseAll();
  }
}
