package io.warren.protocol.frame;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.embedded.EmbeddedChannel;
import io.warren.protocol.content.BasicProperties;
import io.warren.protocol.method.BasicAck;
import io.warren.protocol.method.BasicDeliver;
import io.warren.protocol.method.BasicPublish;
import io.warren.protocol.testkit.Bytes;
import io.warren.protocol.testkit.LeakGuard;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

class AmqpFrameEncoderTest {
  static {
    LeakGuard.install();
  }

  @AfterAll
  static void noLeaks() {
    LeakGuard.assertNoLeaks();
  }

  private static ByteBuf tracked(byte[] bytes) {
    return ByteBufAllocator.DEFAULT.buffer(Math.max(1, bytes.length)).writeBytes(bytes);
  }

  /** Everything written to the channel, concatenated; releases the written buffers. */
  private static byte[] written(EmbeddedChannel ch) {
    List<byte[]> parts = new ArrayList<>();
    ByteBuf buf;
    while ((buf = ch.readOutbound()) != null) {
      parts.add(Bytes.of(buf));
      buf.release();
    }
    return Bytes.concat(parts.toArray(byte[][]::new));
  }

  @Test
  void framesComeOutAsTheDecoderReadsThem() {
    EmbeddedChannel ch = new EmbeddedChannel(new AmqpFrameEncoder());
    byte[] props = Bytes.written(BasicProperties.builder().priority(3).build()::encode);
    byte[] big = new byte[5000];
    big[4999] = 42;
    ch.writeOutbound(new MethodFrame(3, new BasicPublish("e", "r", false, true)),
        new ContentHeaderFrame(3, 60, 5003, tracked(props)),
        new ContentBodyFrame(3, tracked(new byte[] {1, 2, 3})),
        new ContentBodyFrame(3, tracked(big)),
        HeartbeatFrame.INSTANCE);
    byte[] bytes = written(ch);
    ch.finishAndReleaseAll();

    List<Object> frames = FrameTestSupport.decodeAll(bytes, 0, false);
    assertThat(frames).hasSize(5);
    assertThat(frames.get(0)).isEqualTo(new MethodFrame(3, new BasicPublish("e", "r", false, true)));
    assertThat(frames.get(1)).isEqualTo("header ch=3 class=60 size=5003 props="
        + FrameTestSupport.hex(Unpooled.wrappedBuffer(props)));
    assertThat(frames.get(2)).isEqualTo("body ch=3 010203");
    assertThat(frames.get(3)).isEqualTo("body ch=3 "
        + FrameTestSupport.hex(Unpooled.wrappedBuffer(big)));
    assertThat(frames.get(4)).isEqualTo(HeartbeatFrame.INSTANCE);
  }

  @Test
  void largeBodiesAreNotCopied() {
    EmbeddedChannel ch = new EmbeddedChannel(new AmqpFrameEncoder());
    ByteBuf payload = tracked(new byte[AmqpFrameEncoder.COPY_THRESHOLD]);
    payload.retain(); // keep a handle to see through the output
    ch.writeOutbound(new ContentBodyFrame(1, payload));
    ByteBuf out = ch.readOutbound();
    assertThat(out).isInstanceOf(CompositeByteBuf.class);
    assertThat(payload.refCnt()).isEqualTo(2); // ours + the composite's
    payload.setByte(0, 99);
    assertThat(out.getByte(7)).isEqualTo((byte) 99);
    assertThat(out.readableBytes()).isEqualTo(AmqpFrameEncoder.COPY_THRESHOLD + 8);
    assertThat((int) out.getUnsignedByte(out.writerIndex() - 1)).isEqualTo(0xCE);
    out.release();
    assertThat(payload.refCnt()).isEqualTo(1);
    payload.release();
    ch.finishAndReleaseAll();
  }

  @Test
  void byteBufsPassThroughSoTheProtocolHeaderCanBeWritten() {
    EmbeddedChannel ch = new EmbeddedChannel(new AmqpFrameEncoder());
    FrameWriter.writeProtocolHeader(ch);
    ch.flush();
    assertThat(written(ch)).containsExactly('A', 'M', 'Q', 'P', 0, 0, 9, 1);
    assertThat(Bytes.written(FrameWriter::writeProtocolHeader))
        .containsExactly('A', 'M', 'Q', 'P', 0, 0, 9, 1);
    ch.finishAndReleaseAll();
  }

  @Test
  void aMethodThatCannotBeEncodedFailsItsWrite() {
    EmbeddedChannel ch = new EmbeddedChannel(new AmqpFrameEncoder());
    ChannelFuture f = ch.writeAndFlush(new MethodFrame(1, new BasicPublish("x".repeat(300), "",
        false, false)));
    assertThat(f.cause()).isInstanceOf(IllegalArgumentException.class);
    Object nothing = ch.readOutbound();
    assertThat(nothing).isNull();
    ch.writeAndFlush(new MethodFrame(1, new BasicAck(1, false)));
    assertThat(FrameTestSupport.decodeAll(written(ch), 0, false))
        .containsExactly(new MethodFrame(1, new BasicAck(1, false)));
    ch.finishAndReleaseAll();
  }

  @Test
  void contentIsSplitToFrameMax() {
    int frameMax = 4096;
    int chunk = frameMax - 8;
    for (int size : new int[] {0, 1, chunk - 1, chunk, chunk + 1, 3 * chunk, 3 * chunk + 7}) {
      byte[] body = new byte[size];
      for (int i = 0; i < size; i++) {
        body[i] = (byte) i;
      }
      ByteBuf bodyBuf = tracked(body);
      ByteBuf props = tracked(Bytes.written(BasicProperties.EMPTY::encode));
      BasicDeliver deliver = new BasicDeliver("c", 1, false, "e", "k");
      List<Frame> frames = FrameWriter.contentFrames(5, deliver, props, bodyBuf, frameMax);

      assertThat(frames.get(0)).isEqualTo(new MethodFrame(5, deliver));
      ContentHeaderFrame header = (ContentHeaderFrame) frames.get(1);
      assertThat(header.classId()).isEqualTo(60);
      assertThat(header.bodySize()).isEqualTo(size);
      List<Frame> bodies = frames.subList(2, frames.size());
      assertThat(bodies).hasSize((size + chunk - 1) / chunk);
      byte[] joined = Bytes.concat(bodies.stream()
          .map(f -> Bytes.of(((ContentBodyFrame) f).payload())).toArray(byte[][]::new));
      assertThat(joined).isEqualTo(body);
      assertThat(bodies).allSatisfy(f ->
          assertThat(((ContentBodyFrame) f).payload().readableBytes()).isBetween(1, chunk));

      // through the encoder and the decoder, every frame within frame-max
      EmbeddedChannel out = new EmbeddedChannel(new AmqpFrameEncoder());
      FrameWriter.writeContent(out, 5, deliver, tracked(Bytes.written(BasicProperties.EMPTY::encode)),
          tracked(body), frameMax);
      out.flush();
      byte[] wire = written(out);
      out.finishAndReleaseAll();
      List<Object> decoded = FrameTestSupport.decodeAll(wire, frameMax - 8, false);
      assertThat(decoded).hasSize(frames.size()).noneMatch(o -> o instanceof FrameError);
      frames.forEach(io.netty.util.ReferenceCountUtil::release);
      assertThat(bodyBuf.refCnt()).isZero();
      assertThat(props.refCnt()).isZero();
    }
  }

  @Test
  void contentFramesRefuseMethodsWithoutContentAndReleaseTheBuffers() {
    ByteBuf props = tracked(new byte[] {0, 0});
    ByteBuf body = tracked(new byte[] {1});
    assertThatThrownBy(() -> FrameWriter.contentFrames(1, new BasicAck(1, false), props, body,
        4096)).isInstanceOf(IllegalArgumentException.class);
    assertThat(props.refCnt()).isZero();
    assertThat(body.refCnt()).isZero();
  }
}
