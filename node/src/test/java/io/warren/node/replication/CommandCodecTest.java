package io.warren.node.replication;

import static io.warren.node.replication.Samples.assertSameCommand;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.warren.model.Arguments;
import io.warren.model.Command;
import io.warren.model.Command.DeclareExchange;
import io.warren.model.Command.SetFlow;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class CommandCodecTest {

  static Stream<Command> commands() {
    return Samples.commands().stream();
  }

  @Test
  void samplesCoverEveryCommandType() {
    // A command added to the model without a sample here (and so maybe without a layout) fails this.
    Set<Class<?>> sampled = Samples.commands().stream().map(Object::getClass).collect(Collectors.toSet());
    assertThat(sampled).containsExactlyInAnyOrderElementsOf(commandTypes(Command.class));
  }

  /** The concrete command types, through nested sealed interfaces (such as AccessCommand). */
  private static List<Class<?>> commandTypes(Class<?> type) {
    if (!type.isSealed()) {
      return List.of(type);
    }
    return Stream.of(type.getPermittedSubclasses()).flatMap(t -> commandTypes(t).stream()).toList();
  }

  @ParameterizedTest
  @MethodSource("commands")
  void roundTrips(Command command) {
    assertSameCommand(CommandCodec.decode(CommandCodec.encode(command)), command);
  }

  @Test
  void manyCommandsShareOneBuffer() {
    List<Command> commands = Samples.commands();
    ByteBuf buf = Unpooled.buffer();
    commands.forEach(c -> CommandCodec.write(buf, c));
    for (Command expected : commands) {
      assertSameCommand(CommandCodec.read(buf), expected);
    }
    assertThat(buf.isReadable()).isFalse();
  }

  @ParameterizedTest
  @MethodSource("commands")
  void everyTruncationIsRejectedClearly(Command command) {
    byte[] bytes = CommandCodec.encode(command);
    for (int len = 0; len < bytes.length; len++) {
      byte[] prefix = Arrays.copyOf(bytes, len);
      assertThatThrownBy(() -> CommandCodec.decode(prefix))
          .as("prefix of %d of %d bytes", len, bytes.length)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("command");
    }
  }

  @Test
  void trailingBytesAreRejected() {
    byte[] bytes = CommandCodec.encode(new SetFlow(Samples.CHANNEL, true));
    byte[] longer = Arrays.copyOf(bytes, bytes.length + 1);
    assertThatThrownBy(() -> CommandCodec.decode(longer))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("trailing");
  }

  @Test
  void unknownTagIsRejected() {
    assertThatThrownBy(() -> CommandCodec.decode(new byte[] {(byte) 0xFF}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unknown command tag 255");
  }

  @Test
  void corruptBooleanIsRejected() {
    byte[] bytes = CommandCodec.encode(new SetFlow(Samples.CHANNEL, true));
    bytes[bytes.length - 1] = 2;
    assertThatThrownBy(() -> CommandCodec.decode(bytes))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("boolean");
  }

  @Test
  void negativeLengthIsRejected() {
    // AddVhost: tag, then the string's 32-bit length.
    byte[] bytes = CommandCodec.encode(new Command.AddVhost("v"));
    bytes[1] = (byte) 0x80;
    assertThatThrownBy(() -> CommandCodec.decode(bytes))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("length");
  }

  @Test
  void unencodableArgumentsFailAndLeaveTheBufferAsItWas() {
    ByteBuf buf = Unpooled.buffer();
    CommandCodec.write(buf, new SetFlow(Samples.CHANNEL, true));
    int written = buf.writerIndex();
    Command bad = new DeclareExchange(
        Samples.EXCHANGE, "topic", false, false, false, false, Arguments.of("x", new Object()));

    assertThatThrownBy(() -> CommandCodec.write(buf, bad))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'x'");
    assertThat(buf.writerIndex()).isEqualTo(written);
  }
}
