package io.warren.protocol.frame;

import static io.warren.protocol.frame.FrameTestSupport.HEADER;
import static io.warren.protocol.frame.FrameTestSupport.decodeAll;
import static io.warren.protocol.frame.FrameTestSupport.drain;
import static io.warren.protocol.frame.FrameTestSupport.encode;
import static io.warren.protocol.frame.FrameTestSupport.feed;
import static io.warren.protocol.testkit.Bytes.concat;
import static io.warren.protocol.testkit.Bytes.frame;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.warren.protocol.ReplyCode;
import io.warren.protocol.content.BasicProperties;
import io.warren.protocol.method.BasicAck;
import io.warren.protocol.method.BasicPublish;
import io.warren.protocol.method.ChannelOpen;
import io.warren.protocol.method.QueueDeclare;
import io.warren.protocol.testkit.Bytes;
import io.warren.protocol.testkit.LeakGuard;
import io.warren.protocol.testkit.ProtocolArbitraries;
import io.warren.protocol.types.FieldTable;
import io.warren.protocol.types.LongString;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.lifecycle.AfterContainer;

class AmqpFrameDecoderTest {
  static {
    LeakGuard.install();
  }

  @AfterContainer
  static void noLeaks() {
    LeakGuard.assertNoLeaks();
  }

  private static final byte[] OK_FRAME = encode(new MethodFrame(1, new BasicAck(1, false)));

  /** A stream with every frame type, a multi-frame body and the protocol header. */
  private static byte[] sampleStream() {
    byte[] props = Bytes.written(BasicProperties.builder().contentType("text/plain")
        .headers(FieldTable.of(Map.of("k", "v"))).deliveryMode(2).build()::encode);
    return concat(HEADER,
        encode(new MethodFrame(0, new QueueDeclare("q", false, true, false, false, false,
            FieldTable.of(Map.of("x-max-length", 10))))),
        encode(new MethodFrame(1, new BasicPublish("ex", "rk", true, false))),
        encode(new ContentHeaderFrame(1, 60, 5, Unpooled.wrappedBuffer(props))),
        encode(new ContentBodyFrame(1, Unpooled.wrappedBuffer(new byte[] {1, 2, 3}))),
        encode(new ContentBodyFrame(1, Unpooled.wrappedBuffer(new byte[] {4, 5}))),
        encode(HeartbeatFrame.INSTANCE),
        encode(new MethodFrame(65535, new ChannelOpen())));
  }

  @Example
  void decodesEveryFrameType() {
    List<Object> out = decodeAll(sampleStream(), 4096, true);
    assertThat(out).hasSize(8);
    assertThat(out.get(0)).isEqualTo(ProtocolHeaderReceived.INSTANCE);
    assertThat(out.get(1)).isEqualTo(new MethodFrame(0, new QueueDeclare("q", false, true, false,
        false, false, FieldTable.of(Map.of("x-max-length", 10)))));
    assertThat(out.get(2)).isEqualTo(new MethodFrame(1, new BasicPublish("ex", "rk", true, false)));
    assertThat((String) out.get(3)).startsWith("header ch=1 class=60 size=5 props=");
    assertThat(out.get(4)).isEqualTo("body ch=1 010203");
    assertThat(out.get(5)).isEqualTo("body ch=1 0405");
    assertThat(out.get(6)).isEqualTo(HeartbeatFrame.INSTANCE);
    assertThat(out.get(7)).isEqualTo(new MethodFrame(65535, new ChannelOpen()));
  }

  @Example
  void inputSplitAtEveryByteBoundaryDecodesTheSame() {
    byte[] stream = sampleStream();
    List<Object> whole = decodeAll(stream, 4096, true);
    for (int split = 0; split <= stream.length; split++) {
      EmbeddedChannel ch = new EmbeddedChannel(new AmqpFrameDecoder(4096));
      feed(ch, stream, split);
      assertThat(drain(ch)).as("split at %d", split).isEqualTo(whole);
      assertThat(ch.finishAndReleaseAll()).isFalse();
    }
  }

  @Example
  void inputFedOneByteAtATimeDecodesTheSame() {
    byte[] stream = sampleStream();
    int[] splits = new int[stream.length - 1];
    for (int i = 0; i < splits.length; i++) {
      splits[i] = i + 1;
    }
    EmbeddedChannel ch = new EmbeddedChannel(new AmqpFrameDecoder(4096));
    feed(ch, stream, splits);
    assertThat(drain(ch)).isEqualTo(decodeAll(stream, 4096, true));
    ch.finishAndReleaseAll();
  }

  @Example
  void protocolHeaderMismatchIsReportedOnceAndTheRestIgnored() {
    for (byte[] bad : List.of(
        new byte[] {'A', 'M', 'Q', 'P', 0, 0, 9, 0},
        new byte[] {'A', 'M', 'Q', 'P', 1, 1, 0, 9},
        new byte[] {'A', 'M', 'Q', 'P', 3, 1, 0, 0},
        "GET / HTTP/1.1\r\n".getBytes())) {
      List<Object> out = decodeAll(concat(bad, OK_FRAME), 4096, true);
      assertThat(out).hasSize(1);
      assertThat(out.get(0)).isInstanceOf(ProtocolHeaderMismatch.class);
      byte[] received = ((ProtocolHeaderMismatch) out.get(0)).received().bytes();
      assertThat(received).isEqualTo(java.util.Arrays.copyOf(bad, received.length));
    }
  }

  @Example
  void aHeaderThatAlreadyDiffersIsRefusedBeforeEightBytesArrive() {
    EmbeddedChannel ch = new EmbeddedChannel(new AmqpFrameDecoder(4096));
    feed(ch, new byte[] {'A', 'M', 'Q'});
    assertThat(drain(ch)).isEmpty();
    feed(ch, new byte[] {'X'});
    assertThat(drain(ch)).containsExactly(
        new ProtocolHeaderMismatch(LongString.of(new byte[] {'A', 'M', 'Q', 'X'})));
    ch.finishAndReleaseAll();
  }

  record ErrorCase(String what, byte[] frame, int code, int channel, int classId, int methodId) {}

  static List<ErrorCase> errorCases() {
    byte[] tooShortHeader = frame(2, 1, new byte[] {0, 60, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0});
    byte[] weighted = frame(2, 1, new byte[] {0, 60, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0});
    byte[] negativeSize = frame(2, 1, new byte[] {0, 60, 0, 0, (byte) 0x80, 0, 0, 0, 0, 0, 0,
        0, 0, 0});
    byte[] badEnd = frame(1, 1, new byte[] {0, 20, 0, 10, 0});
    badEnd[badEnd.length - 1] = (byte) 0xCD;
    return List.of(
        new ErrorCase("unknown frame type", frame(4, 1, new byte[0]), 501, 1, 0, 0),
        new ErrorCase("bad frame end", badEnd, 501, 1, 0, 0),
        new ErrorCase("method frame shorter than its ids", frame(1, 2, new byte[] {0, 60}),
            501, 2, 0, 0),
        new ErrorCase("truncated method arguments", frame(1, 3, new byte[] {0, 60, 0, 40, 0}),
            501, 3, 60, 40),
        new ErrorCase("trailing bytes after arguments",
            frame(1, 3, new byte[] {0, 60, 0, 80, 0, 0, 0, 0, 0, 0, 0, 1, 0, 9}), 501, 3, 60, 80),
        new ErrorCase("malformed UTF-8", frame(1, 3, new byte[] {0, 60, 0, 40, 0, 0, 1,
            (byte) 0xC0, 0, 0}), 501, 3, 60, 40),
        new ErrorCase("unknown class", frame(1, 4, new byte[] {0, 77, 0, 10}), 540, 4, 77, 10),
        new ErrorCase("unknown method", frame(1, 4, new byte[] {0, 60, 0, 99}), 540, 4, 60, 99),
        new ErrorCase("bad table value type", frame(1, 5, new byte[] {0, 50, 0, 10, 0, 0, 1, 'q',
            0, 0, 0, 0, 3, 1, 'k', 'Z'}), 502, 5, 50, 10),
        new ErrorCase("content header too short", tooShortHeader, 501, 1, 0, 0),
        new ErrorCase("content header weight", weighted, 505, 1, 0, 0),
        new ErrorCase("content body size over 2^63", negativeSize, 501, 1, 0, 0),
        new ErrorCase("heartbeat with payload", frame(8, 0, new byte[] {1}), 501, 0, 0, 0),
        new ErrorCase("heartbeat on a channel", frame(8, 7, new byte[0]), 505, 7, 0, 0),
        new ErrorCase("frame too large", frame(3, 9, new byte[4097]), 501, 9, 0, 0));
  }

  @Example
  void everyErrorGivesExactlyOneFrameErrorAndStopsDecoding() {
    for (ErrorCase c : errorCases()) {
      byte[] stream = concat(HEADER, OK_FRAME, c.frame(), OK_FRAME, OK_FRAME);
      List<Object> out = decodeAll(stream, 4096, true);
      assertThat(out).as(c.what()).hasSize(3);
      assertThat(out.get(1)).isInstanceOf(MethodFrame.class);
      FrameError error = (FrameError) out.get(2);
      assertThat(error.replyCode()).as(c.what()).isEqualTo(c.code());
      assertThat(error.channel()).as(c.what()).isEqualTo(c.channel());
      assertThat(error.classId()).as(c.what()).isEqualTo(c.classId());
      assertThat(error.methodId()).as(c.what()).isEqualTo(c.methodId());
      assertThat(error.toException().replyCode()).isEqualTo(c.code());
      assertThat(ReplyCode.isConnectionError(error.replyCode())).isTrue();
    }
  }

  @Example
  void everyErrorIsFoundWhateverTheSplit() {
    for (ErrorCase c : errorCases()) {
      byte[] stream = concat(HEADER, c.frame(), OK_FRAME);
      List<Object> whole = decodeAll(stream, 4096, true);
      for (int split = 0; split <= stream.length; split++) {
        EmbeddedChannel ch = new EmbeddedChannel(new AmqpFrameDecoder(4096));
        feed(ch, stream, split);
        assertThat(drain(ch)).as("%s split at %d", c.what(), split).isEqualTo(whole);
        ch.finishAndReleaseAll();
      }
    }
  }

  @Example
  void anOversizedFrameIsRefusedAsSoonAsItsHeaderArrives() {
    EmbeddedChannel ch = new EmbeddedChannel(new AmqpFrameDecoder(4096));
    byte[] header = {3, 0, 1, 0, 0, 0x10, 0x01}; // body frame, payload 4097
    feed(ch, concat(HEADER, header));
    List<Object> out = drain(ch);
    assertThat(out).hasSize(2);
    assertThat(((FrameError) out.get(1)).replyCode()).isEqualTo(501);
    feed(ch, new byte[4097]);
    assertThat(drain(ch)).isEmpty();
    ch.finishAndReleaseAll();
  }

  @Example
  void frameMaxIsEnforcedAndCanBeRaisedAfterTune() {
    AmqpFrameDecoder decoder = new AmqpFrameDecoder(4096);
    EmbeddedChannel ch = new EmbeddedChannel(decoder);
    // like RabbitMQ, a payload of up to frame-max bytes passes (frame-max - 8 by the letter)
    feed(ch, concat(HEADER, frame(3, 1, new byte[4096])));
    assertThat(drain(ch)).hasSize(2).last().isInstanceOf(String.class);
    decoder.setFrameMax(131072);
    feed(ch, frame(3, 1, new byte[131072]));
    assertThat(drain(ch)).hasSize(1);
    feed(ch, frame(3, 1, new byte[131073]));
    assertThat(drain(ch)).singleElement().isInstanceOf(FrameError.class);
    assertThat(decoder.isFailed()).isTrue();
    ch.finishAndReleaseAll();

    AmqpFrameDecoder unlimited = new AmqpFrameDecoder(0, false);
    EmbeddedChannel ch2 = new EmbeddedChannel(unlimited);
    feed(ch2, frame(3, 1, new byte[1 << 20]));
    assertThat(drain(ch2)).hasSize(1);
    ch2.finishAndReleaseAll();
  }

  @Example
  void heartbeatsOnChannelZeroAreFrames() {
    byte[] stream = concat(HEADER, frame(8, 0, new byte[0]), frame(8, 0, new byte[0]));
    assertThat(decodeAll(stream, 4096, true)).containsExactly(ProtocolHeaderReceived.INSTANCE,
        HeartbeatFrame.INSTANCE, HeartbeatFrame.INSTANCE);
  }

  @Example
  void bodyAndPropertySlicesOutliveTheInputBuffer() {
    EmbeddedChannel ch = new EmbeddedChannel(new AmqpFrameDecoder(4096, false));
    byte[] props = Bytes.written(BasicProperties.builder().appId("a").build()::encode);
    feed(ch, encode(new ContentHeaderFrame(1, 60, 3, Unpooled.wrappedBuffer(props)),
        new ContentBodyFrame(1, Unpooled.wrappedBuffer(new byte[] {7, 8, 9}))));
    ContentHeaderFrame header = ch.readInbound();
    ContentBodyFrame body = ch.readInbound();
    feed(ch, OK_FRAME); // the decoder moves on; the slices stay valid
    assertThat(BasicProperties.decode(header.properties().duplicate()).appId()).isEqualTo("a");
    assertThat(Bytes.of(body.payload())).containsExactly(7, 8, 9);
    header.release();
    body.release();
    assertThat(drain(ch)).hasSize(1);
    ch.finishAndReleaseAll();
  }

  // ---- fuzzing: nothing may escape as an exception ----

  @Provide
  Arbitrary<byte[]> validStreams() {
    Arbitrary<Frame> method = Combinators.combine(Arbitraries.integers().between(0, 65535),
        ProtocolArbitraries.methods()).as(MethodFrame::new);
    Arbitrary<Frame> header = Combinators.combine(Arbitraries.integers().between(0, 65535),
        ProtocolArbitraries.basicProperties(), Arbitraries.longs().between(0, 1 << 20))
        .as((ch, p, size) -> new ContentHeaderFrame(ch, 60, size,
            Unpooled.wrappedBuffer(Bytes.written(p::encode))));
    Arbitrary<Frame> body = Combinators.combine(Arbitraries.integers().between(0, 65535),
        Arbitraries.bytes().array(byte[].class).ofMaxSize(200))
        .as((ch, b) -> new ContentBodyFrame(ch, Unpooled.wrappedBuffer(b)));
    Arbitrary<Frame> any = Arbitraries.oneOf(method, header, body,
        Arbitraries.just(HeartbeatFrame.INSTANCE));
    return any.list().ofMinSize(1).ofMaxSize(8)
        .map(frames -> concat(HEADER, encode(frames.toArray(Frame[]::new))));
  }

  @Property(tries = 300)
  void validStreamsDecodeWithoutErrors(@ForAll("validStreams") byte[] stream) {
    List<Object> out = decodeAll(stream, 0, true);
    assertThat(out).noneMatch(o -> o instanceof FrameError);
  }

  @Property(tries = 500)
  void randomBytesNeverEscapeAsExceptions(@ForAll @Size(max = 300) byte[] garbage,
      @ForAll boolean withHeader) {
    byte[] stream = withHeader ? concat(HEADER, garbage) : garbage;
    checkWellBehaved(decodeAll(stream, 4096, true));
  }

  @Property(tries = 500)
  void corruptedOrTruncatedStreamsNeverEscapeAsExceptions(
      @ForAll("validStreams") byte[] stream, @ForAll @IntRange(min = 0, max = 5000) int where,
      @ForAll byte value, @ForAll boolean truncate, @ForAll @IntRange(min = 0, max = 50) int split) {
    int at = HEADER.length + where % Math.max(1, stream.length - HEADER.length);
    byte[] bad = stream.clone();
    if (truncate) {
      bad = java.util.Arrays.copyOf(bad, at);
    } else if (at < bad.length) {
      bad[at] = value;
    }
    EmbeddedChannel ch = new EmbeddedChannel(new AmqpFrameDecoder(4096));
    feed(ch, bad, Math.min(split, bad.length));
    checkWellBehaved(drain(ch));
    ch.finishAndReleaseAll();
  }

  /** Only frames and events; at most one error or mismatch, and nothing after it. */
  private static void checkWellBehaved(List<Object> out) {
    List<Object> terminal = new ArrayList<>();
    for (int i = 0; i < out.size(); i++) {
      Object o = out.get(i);
      if (o instanceof FrameError || o instanceof ProtocolHeaderMismatch) {
        terminal.add(o);
        assertThat(i).as("error is the last output").isEqualTo(out.size() - 1);
      } else {
        assertThat(o).isInstanceOfAny(ProtocolHeaderReceived.class, MethodFrame.class,
            HeartbeatFrame.class, String.class);
      }
    }
    assertThat(terminal).hasSizeLessThanOrEqualTo(1);
    terminal.forEach(t -> {
      if (t instanceof FrameError e) {
        assertThat(e.replyCode()).isIn(501, 502, 505, 540);
      }
    });
  }

}
