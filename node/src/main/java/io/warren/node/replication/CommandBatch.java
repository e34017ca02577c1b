package io.warren.node.replication;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.warren.model.Command;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * One Raft log entry: the commands one node submitted together, each tagged with a correlation id
 * the origin node uses to find who is waiting for its reply.
 *
 * <p>Layout: a format byte ({@value #FORMAT}), the origin (64 bits), the timestamp (64 bits), the
 * number of commands (32 bits), then per command its correlation (64 bits) and the command as
 * {@link CommandCodec} writes it.
 *
 * @param origin the node that submitted the commands
 * @param timestamp when the origin submitted them (ms since the epoch, its clock): the time every
 *     replica applies them at ({@link io.warren.model.Meta#timestamp()}), so that TTLs and expiries
 *     come out the same everywhere
 */
public record CommandBatch(long origin, long timestamp, List<Tagged> commands) {
  /** Bumped when the layout changes, so an old entry is never misread as a new one. */
  private static final int FORMAT = 4;

  /** A correlation id and a tag byte: the least a command takes. */
  private static final int MIN_COMMAND_BYTES = Long.BYTES + 1;

  public CommandBatch {
    commands = List.copyOf(commands);
  }

  /** A command and the correlation id its origin gave it. */
  public record Tagged(long correlation, Command command) {
    public Tagged {
      Objects.requireNonNull(command);
    }
  }

  public byte[] encode() {
    return ByteBufUtil.getBytes(write(64 * (commands.size() + 1)));
  }

  /**
   * The batch as the remaining bytes of a buffer, not copied once more, written into a buffer of
   * {@code expectedBytes} to start with: a batch near a megabyte would otherwise be copied a dozen
   * times as the buffer doubles.
   */
  public ByteBuffer encodeToBuffer(int expectedBytes) {
    ByteBuf buf = write(expectedBytes);
    byte[] array = buf.array();
    int length = buf.writerIndex();
    // Ratis keeps recent entries on the heap for a while: an array much larger than its batch
    // (a guess too high, or the buffer's growth) would be kept along with them.
    if (array.length - length > length / 4) {
      return ByteBuffer.wrap(Arrays.copyOfRange(array, buf.arrayOffset(), buf.arrayOffset() + length));
    }
    return ByteBuffer.wrap(array, buf.arrayOffset(), length);
  }

  private ByteBuf write(int expectedBytes) {
    ByteBuf buf = Unpooled.buffer(expectedBytes);
    BinaryWriter out = new BinaryWriter(buf).int8(FORMAT).int64(origin).int64(timestamp).int32(commands.size());
    for (Tagged t : commands) {
      CommandCodec.write(out.int64(t.correlation()), t.command());
    }
    return buf;
  }

  /**
   * The batch {@link #encode} wrote.
   *
   * @throws IllegalArgumentException if the bytes are truncated, corrupt or of another format
   */
  public static CommandBatch decode(byte[] bytes) {
    return read(new BinaryReader(Unpooled.wrappedBuffer(bytes), "command batch"));
  }

  /** As {@link #decode(byte[])}, from a buffer's remaining bytes (left where they are). */
  public static CommandBatch decode(ByteBuffer bytes) {
    return read(new BinaryReader(Unpooled.wrappedBuffer(bytes.duplicate()), "command batch"));
  }

  private static CommandBatch read(BinaryReader in) {
    int format = in.int8();
    if (format != FORMAT) {
      throw in.corrupt("unknown format " + format);
    }
    long origin = in.int64();
    long timestamp = in.int64();
    int n = in.length(MIN_COMMAND_BYTES, "command list");
    List<Tagged> commands = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      commands.add(new Tagged(in.int64(), CommandCodec.read(in)));
    }
    in.expectEnd();
    return new CommandBatch(origin, timestamp, commands);
  }
}
