package io.warren.protocol.frame;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.warren.protocol.AmqpException;
import io.warren.protocol.ReplyCode;
import io.warren.protocol.method.BasicAck;
import io.warren.protocol.method.BasicPublish;
import io.warren.protocol.method.ChannelClose;
import io.warren.protocol.method.ChannelCloseOk;
import io.warren.protocol.method.QueueDeclareOk;
import io.warren.protocol.testkit.Bytes;
import io.warren.protocol.testkit.LeakGuard;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.lifecycle.AfterContainer;

class ContentAssemblerTest {
  static {
    LeakGuard.install();
  }

  @AfterContainer
  static void noLeaks() {
    LeakGuard.assertNoLeaks();
  }

  private static final BasicPublish PUBLISH = new BasicPublish("ex", "rk", false, false);
  private static final byte[] PROPS = {(byte) 0x80, 0, 1, 't'}; // content-type "t"

  /** Buffers handed to the assembler, to check all were released at the end. */
  private final List<ByteBuf> handedOut = new ArrayList<>();

  private ByteBuf buf(byte[] bytes) {
    ByteBuf b = ByteBufAllocator.DEFAULT.buffer(Math.max(1, bytes.length)).writeBytes(bytes);
    handedOut.add(b);
    return b;
  }

  private MethodFrame method(int channel, io.warren.protocol.method.AmqpMethod m) {
    return new MethodFrame(channel, m);
  }

  private ContentHeaderFrame header(int channel, long size) {
    return new ContentHeaderFrame(channel, 60, size, buf(PROPS));
  }

  private ContentBodyFrame body(int channel, byte... bytes) {
    return new ContentBodyFrame(channel, buf(bytes));
  }

  private void assertAllReleased() {
    assertThat(handedOut).allSatisfy(b -> assertThat(b.refCnt()).isZero());
  }

  @Example
  void methodsWithoutContentAreCommandsAtOnce() {
    ContentAssembler a = new ContentAssembler(1000);
    AssemblyResult r = a.accept(method(1, new BasicAck(5, true)));
    assertThat(r).isEqualTo(new AmqpCommand(1, new BasicAck(5, true)));
    assertThat(((AmqpCommand) r).hasContent()).isFalse();
    assertThat(a.accept(HeartbeatFrame.INSTANCE)).isEqualTo(AssemblyResult.Pending.INSTANCE);
  }

  @Example
  void multiFrameBodiesAreJoinedWithoutCopying() {
    ContentAssembler a = new ContentAssembler(1000);
    assertThat(a.accept(method(1, PUBLISH))).isEqualTo(AssemblyResult.Pending.INSTANCE);
    assertThat(a.isMidContent(1)).isTrue();
    assertThat(a.accept(header(1, 6))).isEqualTo(AssemblyResult.Pending.INSTANCE);
    assertThat(a.accept(body(1, (byte) 1, (byte) 2))).isEqualTo(AssemblyResult.Pending.INSTANCE);
    assertThat(a.accept(body(1))).isEqualTo(AssemblyResult.Pending.INSTANCE); // empty frame
    assertThat(a.accept(body(1, (byte) 3))).isEqualTo(AssemblyResult.Pending.INSTANCE);
    AmqpCommand c = (AmqpCommand) a.accept(body(1, (byte) 4, (byte) 5, (byte) 6));
    assertThat(c.channel()).isEqualTo(1);
    assertThat(c.method()).isEqualTo(PUBLISH);
    assertThat(Bytes.of(c.properties())).isEqualTo(PROPS);
    assertThat(c.body()).isInstanceOf(CompositeByteBuf.class);
    assertThat(Bytes.of(c.body())).containsExactly(1, 2, 3, 4, 5, 6);
    assertThat(a.isMidContent(1)).isFalse();
    c.release();
    assertAllReleased();
  }

  @Example
  void aOneFrameBodyIsTheFramePayloadItself() {
    ContentAssembler a = new ContentAssembler(1000);
    a.accept(method(1, PUBLISH));
    a.accept(header(1, 2));
    ContentBodyFrame frame = body(1, (byte) 7, (byte) 8);
    AmqpCommand c = (AmqpCommand) a.accept(frame);
    assertThat(c.body()).isSameAs(frame.payload());
    c.release();
    assertAllReleased();
  }

  @Example
  void anEmptyBodyCompletesAtTheHeader() {
    ContentAssembler a = new ContentAssembler(1000);
    a.accept(method(2, PUBLISH));
    AmqpCommand c = (AmqpCommand) a.accept(header(2, 0));
    assertThat(c.body().readableBytes()).isZero();
    assertThat(c.hasContent()).isTrue();
    c.release();
    // and the channel is ready for the next command
    assertThat(a.accept(method(2, new BasicAck(1, false)))).isInstanceOf(AmqpCommand.class);
    assertAllReleased();
  }

  @Example
  void channelsInterleave() {
    ContentAssembler a = new ContentAssembler(1000);
    List<AmqpCommand> done = new ArrayList<>();
    Consumer<AssemblyResult> collect = r -> {
      if (r instanceof AmqpCommand c) {
        done.add(c);
      }
    };
    collect.accept(a.accept(method(1, PUBLISH)));
    collect.accept(a.accept(method(2, new BasicPublish("", "q2", false, false))));
    collect.accept(a.accept(header(2, 2)));
    collect.accept(a.accept(method(3, new BasicAck(9, false))));
    collect.accept(a.accept(header(1, 1)));
    collect.accept(a.accept(body(2, (byte) 20)));
    collect.accept(a.accept(body(1, (byte) 10)));
    collect.accept(a.accept(body(2, (byte) 21)));
    assertThat(done).extracting(AmqpCommand::channel).containsExactly(3, 1, 2);
    assertThat(Bytes.of(done.get(1).body())).containsExactly(10);
    assertThat(Bytes.of(done.get(2).body())).containsExactly(20, 21);
    assertThat(done.get(2).method()).isEqualTo(new BasicPublish("", "q2", false, false));
    done.forEach(AmqpCommand::release);
    assertAllReleased();
  }

  private void assertViolation(ContentAssembler a, Frame frame, ReplyCode code) {
    assertThatThrownBy(() -> a.accept(frame)).isInstanceOfSatisfying(AmqpException.class, e -> {
      assertThat(e.code()).isEqualTo(code);
      assertThat(e.isConnectionError()).isTrue();
    });
    a.releaseAll();
    assertAllReleased();
  }

  @Example
  void headerWithoutAContentMethodIsUnexpected() {
    assertViolation(new ContentAssembler(1000), header(1, 1), ReplyCode.UNEXPECTED_FRAME);
  }

  @Example
  void headerAfterAMethodWithoutContentIsUnexpected() {
    ContentAssembler a = new ContentAssembler(1000);
    a.accept(method(1, new BasicAck(1, false)));
    assertViolation(a, header(1, 1), ReplyCode.UNEXPECTED_FRAME);
  }

  @Example
  void headerOnChannelZeroIsUnexpected() {
    assertViolation(new ContentAssembler(1000), header(0, 1), ReplyCode.UNEXPECTED_FRAME);
  }

  @Example
  void bodyWithoutAHeaderIsUnexpected() {
    assertViolation(new ContentAssembler(1000), body(1, (byte) 1), ReplyCode.UNEXPECTED_FRAME);
    ContentAssembler a = new ContentAssembler(1000);
    a.accept(method(1, PUBLISH));
    assertViolation(a, body(1, (byte) 1), ReplyCode.UNEXPECTED_FRAME);
  }

  @Example
  void aSecondHeaderIsUnexpected() {
    ContentAssembler a = new ContentAssembler(1000);
    a.accept(method(1, PUBLISH));
    a.accept(header(1, 5));
    a.accept(body(1, (byte) 1));
    assertViolation(a, header(1, 4), ReplyCode.UNEXPECTED_FRAME);
  }

  @Example
  void aMethodInTheMiddleOfContentIsUnexpected() {
    ContentAssembler a = new ContentAssembler(1000);
    a.accept(method(1, PUBLISH));
    assertViolation(a, method(1, new BasicAck(1, false)), ReplyCode.UNEXPECTED_FRAME);

    ContentAssembler b = new ContentAssembler(1000);
    b.accept(method(1, PUBLISH));
    b.accept(header(1, 3));
    b.accept(body(1, (byte) 1));
    assertViolation(b, method(1, PUBLISH), ReplyCode.UNEXPECTED_FRAME);
  }

  @Example
  void aHeaderOfAnotherClassIsUnexpected() {
    ContentAssembler a = new ContentAssembler(1000);
    a.accept(method(1, PUBLISH));
    assertViolation(a, new ContentHeaderFrame(1, 50, 1, buf(PROPS)), ReplyCode.UNEXPECTED_FRAME);
  }

  @Example
  void bodyBeyondTheAnnouncedSizeIsAFrameErrorAsInRabbitMq() {
    ContentAssembler a = new ContentAssembler(1000);
    a.accept(method(1, PUBLISH));
    a.accept(header(1, 2));
    a.accept(body(1, (byte) 1));
    assertViolation(a, body(1, (byte) 2, (byte) 3), ReplyCode.FRAME_ERROR);
  }

  @Example
  void bodySizeOverTheHardLimitIsAFrameError() {
    ContentAssembler a = new ContentAssembler(1000);
    a.accept(method(1, PUBLISH));
    assertViolation(a, header(1, ContentAssembler.HARD_MAX_BODY_SIZE + 1), ReplyCode.FRAME_ERROR);
  }

  @Example
  void tooLargeBodiesAreRefusedAtTheHeaderAndTheirBodyDropped() {
    ContentAssembler a = new ContentAssembler(3);
    a.accept(method(1, PUBLISH));
    AssemblyResult r = a.accept(header(1, 5));
    assertThat(r).isEqualTo(new AssemblyResult.ContentTooLarge(1, PUBLISH, 5, 3));
    AmqpException e = ((AssemblyResult.ContentTooLarge) r).toException();
    assertThat(e.code()).isEqualTo(ReplyCode.PRECONDITION_FAILED);
    assertThat(e.replyText()).isEqualTo("message size 5 is larger than configured max size 3");
    assertThat(e.classId()).isEqualTo(60);
    assertThat(e.methodId()).isEqualTo(40);
    assertThat(a.accept(body(1, (byte) 1, (byte) 2, (byte) 3))).isEqualTo(AssemblyResult.Pending.INSTANCE);
    assertThat(a.accept(body(1, (byte) 4, (byte) 5))).isEqualTo(AssemblyResult.Pending.INSTANCE);
    // the content is over: the channel goes on normally
    a.accept(method(1, PUBLISH));
    a.accept(header(1, 1));
    AmqpCommand c = (AmqpCommand) a.accept(body(1, (byte) 9));
    assertThat(Bytes.of(c.body())).containsExactly(9);
    c.release();
    assertAllReleased();
  }

  @Example
  void aClosingChannelDropsContentButPassesOtherMethods() {
    ContentAssembler a = new ContentAssembler(1000);
    a.accept(method(1, PUBLISH));
    a.accept(header(1, 10));
    a.accept(body(1, (byte) 1));
    a.discardChannel(1); // the front end sent channel.close
    assertThat(a.isMidContent(1)).isFalse();
    assertThat(a.accept(body(1, (byte) 2))).isEqualTo(AssemblyResult.Pending.INSTANCE);
    assertThat(a.accept(method(1, PUBLISH))).isEqualTo(AssemblyResult.Pending.INSTANCE);
    assertThat(a.accept(header(1, 1))).isEqualTo(AssemblyResult.Pending.INSTANCE);
    assertThat(a.accept(method(1, new ChannelClose(200, "", 0, 0))))
        .isEqualTo(new AmqpCommand(1, new ChannelClose(200, "", 0, 0)));
    assertThat(a.accept(method(1, new ChannelCloseOk())))
        .isEqualTo(new AmqpCommand(1, new ChannelCloseOk()));
    // other channels are not affected
    assertThat(a.accept(method(2, new QueueDeclareOk("q", 0, 0)))).isInstanceOf(AmqpCommand.class);
    a.resetChannel(1);
    a.accept(method(1, PUBLISH));
    assertThat(a.isMidContent(1)).isTrue();
    a.releaseAll();
    assertAllReleased();
  }

  @Example
  void releaseAllFreesPartialContentOfEveryChannel() {
    ContentAssembler a = new ContentAssembler(1000);
    for (int ch = 1; ch <= 3; ch++) {
      a.accept(method(ch, PUBLISH));
      a.accept(header(ch, 10));
      a.accept(body(ch, (byte) 1));
      a.accept(body(ch, (byte) 2));
    }
    a.releaseAll();
    assertAllReleased();
  }

  @Property(tries = 200)
  void anyChunkingGivesBackTheBody(@ForAll @Size(max = 2000) byte[] body,
      @ForAll @IntRange(min = 1, max = 300) int chunk) {
    handedOut.clear();
    ContentAssembler a = new ContentAssembler(ContentAssembler.HARD_MAX_BODY_SIZE);
    a.accept(method(7, PUBLISH));
    AssemblyResult r = a.accept(header(7, body.length));
    for (int at = 0; at < body.length; at += chunk) {
      assertThat(r).isEqualTo(AssemblyResult.Pending.INSTANCE);
      byte[] part = java.util.Arrays.copyOfRange(body, at, Math.min(body.length, at + chunk));
      r = a.accept(body(7, part));
    }
    AmqpCommand c = (AmqpCommand) r;
    assertThat(Bytes.of(c.body())).isEqualTo(body);
    c.release();
    assertAllReleased();
  }

  @Example
  void commandsCheckTheirShape() {
    assertThatThrownBy(() -> new AmqpCommand(1, PUBLISH, null, buf(new byte[0])))
        .isInstanceOf(IllegalArgumentException.class);
    handedOut.forEach(ByteBuf::release);
    assertThatThrownBy(() -> new ContentAssembler(-1)).isInstanceOf(IllegalArgumentException.class);
  }
}
