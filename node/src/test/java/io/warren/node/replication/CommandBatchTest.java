package io.warren.node.replication;

import static io.warren.node.replication.Samples.assertSameCommand;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.warren.node.replication.CommandBatch.Tagged;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class CommandBatchTest {

  private static CommandBatch everyCommand() {
    List<Tagged> tagged = new ArrayList<>();
    long correlation = Long.MIN_VALUE;
    for (var c : Samples.commands()) {
      tagged.add(new Tagged(correlation, c));
      correlation += 0x0101_0101_0101L;
    }
    return new CommandBatch(3, 1_700_000_000_123L, tagged);
  }

  @Test
  void roundTrips() {
    CommandBatch batch = everyCommand();
    CommandBatch decoded = CommandBatch.decode(batch.encode());

    assertThat(decoded.origin()).isEqualTo(3);
    assertThat(decoded.timestamp()).isEqualTo(1_700_000_000_123L);
    assertThat(decoded.commands()).hasSameSizeAs(batch.commands());
    for (int i = 0; i < batch.commands().size(); i++) {
      Tagged expected = batch.commands().get(i);
      Tagged actual = decoded.commands().get(i);
      assertThat(actual.correlation()).isEqualTo(expected.correlation());
      assertSameCommand(actual.command(), expected.command());
    }
  }

  @Test
  void anEntryGuessedTooLargeKeepsNoMoreThanItsBytes() {
    // Ratis holds recent entries on the heap: the array behind one is all that stays alive.
    CommandBatch batch = everyCommand();
    ByteBuffer entry = batch.encodeToBuffer(1 << 20);

    assertThat(entry.array()).hasSize(entry.remaining());
    byte[] bytes = new byte[entry.remaining()];
    entry.duplicate().get(bytes);
    assertThat(bytes).isEqualTo(batch.encode());
  }

  @Test
  void emptyBatchRoundTrips() {
    assertThat(CommandBatch.decode(new CommandBatch(-1, 0, List.of()).encode()))
        .isEqualTo(new CommandBatch(-1, 0, List.of()));
  }

  @Test
  void everyTruncationIsRejectedClearly() {
    byte[] bytes = everyCommand().encode();
    for (int len = 0; len < bytes.length; len++) {
      byte[] prefix = Arrays.copyOf(bytes, len);
      assertThatThrownBy(() -> CommandBatch.decode(prefix))
          .as("prefix of %d of %d bytes", len, bytes.length)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("truncated");
    }
  }

  @Test
  void anotherFormatIsRejected() {
    byte[] bytes = new CommandBatch(1, 5, List.of()).encode();
    bytes[0] = 9;
    assertThatThrownBy(() -> CommandBatch.decode(bytes))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unknown format 9");
  }

  @Test
  void anImplausibleCountIsRejectedBeforeAllocating() {
    byte[] bytes = new CommandBatch(1, 5, List.of()).encode();
    // format, origin, timestamp, then the count: claim a billion commands in zero bytes.
    bytes[17] = 0x40;
    assertThatThrownBy(() -> CommandBatch.decode(bytes))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("truncated command batch");
  }
}
