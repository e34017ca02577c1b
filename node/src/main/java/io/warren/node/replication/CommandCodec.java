package io.warren.node.replication;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.warren.model.Command;
import io.warren.model.Command.AddVhost;
import io.warren.model.Command.Bind;
import io.warren.model.Command.Cancel;
import io.warren.model.Command.CloseChannel;
import io.warren.model.Command.CloseConnection;
import io.warren.model.Command.Consume;
import io.warren.model.Command.Credit;
import io.warren.model.Command.DeclareExchange;
import io.warren.model.Command.DeclareQueue;
import io.warren.model.Command.DeleteExchange;
import io.warren.model.Command.DeleteQueue;
import io.warren.model.Command.Enqueue;
import io.warren.model.Command.Get;
import io.warren.model.Command.OpenChannel;
import io.warren.model.Command.OpenConnection;
import io.warren.model.Command.Publish;
import io.warren.model.Command.PurgeQueue;
import io.warren.model.Command.Restarted;
import io.warren.model.Command.SetChannelPrefetch;
import io.warren.model.Command.SetFlow;
import io.warren.model.Command.Settle;
import io.warren.model.Command.Sync;
import io.warren.model.Command.Unbind;
import io.warren.model.Policy;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * Broker {@link Command}s in binary, for the Raft log: one tag byte naming the command type, then
 * its fields in declaration order, in the field encodings of {@link BinaryWriter} (fixed-width
 * big-endian integers, length-prefixed UTF-8 strings, AMQP field tables for arguments).
 *
 * <p>The layouts are one table: each entry holds a type's tag, its writer and its reader side by
 * side, so a field added to one is easy to see missing from the other. Tags are in the log
 * forever: never renumber or reuse one; a new command takes the next free number.
 */
public final class CommandCodec {
  private CommandCodec() {}

  private static final List<Layout<?>> LAYOUTS = List.of(
      layout(1, OpenConnection.class,
          (w, c) -> w.int64(c.connection()).string(c.vhost()).string(c.user()),
          r -> new OpenConnection(r.int64(), r.string(), r.string())),
      layout(2, CloseConnection.class,
          (w, c) -> w.int64(c.connection()),
          r -> new CloseConnection(r.int64())),
      layout(3, OpenChannel.class,
          (w, c) -> w.channel(c.channel()),
          r -> new OpenChannel(r.channel())),
      layout(4, CloseChannel.class,
          (w, c) -> w.channel(c.channel()),
          r -> new CloseChannel(r.channel())),
      layout(5, SetChannelPrefetch.class,
          (w, c) -> w.channel(c.channel()).int32(c.prefetch()),
          r -> new SetChannelPrefetch(r.channel(), r.int32())),
      layout(6, SetFlow.class,
          (w, c) -> w.channel(c.channel()).bool(c.active()),
          r -> new SetFlow(r.channel(), r.bool())),
      layout(7, Sync.class,
          (w, c) -> w.channel(c.channel()),
          r -> new Sync(r.channel())),
      layout(8, AddVhost.class,
          (w, c) -> w.string(c.vhost()),
          r -> new AddVhost(r.string())),
      layout(9, DeclareExchange.class,
          (w, c) -> w.exchange(c.name()).string(c.type()).bool(c.passive()).bool(c.durable()).bool(c.autoDelete())
              .bool(c.internal()).arguments(c.arguments()),
          r -> new DeclareExchange(r.exchange(), r.string(), r.bool(), r.bool(), r.bool(), r.bool(), r.arguments())),
      layout(10, DeleteExchange.class,
          (w, c) -> w.exchange(c.name()).bool(c.ifUnused()),
          r -> new DeleteExchange(r.exchange(), r.bool())),
      layout(11, DeclareQueue.class,
          (w, c) -> w.queue(c.name()).bool(c.passive()).bool(c.durable()).bool(c.exclusive()).bool(c.autoDelete())
              .arguments(c.arguments()).int64(c.connection()).bool(c.serverNamed()),
          r -> new DeclareQueue(
              r.queue(), r.bool(), r.bool(), r.bool(), r.bool(), r.arguments(), r.int64(), r.bool())),
      layout(12, DeleteQueue.class,
          (w, c) -> w.queue(c.name()).bool(c.ifUnused()).bool(c.ifEmpty()).int64(c.connection()),
          r -> new DeleteQueue(r.queue(), r.bool(), r.bool(), r.int64())),
      layout(13, PurgeQueue.class,
          (w, c) -> w.queue(c.name()).int64(c.connection()),
          r -> new PurgeQueue(r.queue(), r.int64())),
      layout(14, Bind.class,
          (w, c) -> w.exchange(c.source()).resource(c.destination()).string(c.routingKey()).arguments(c.arguments())
              .int64(c.connection()),
          r -> new Bind(r.exchange(), r.resource(), r.string(), r.arguments(), r.int64())),
      layout(15, Unbind.class,
          (w, c) -> w.exchange(c.source()).resource(c.destination()).string(c.routingKey()).arguments(c.arguments())
              .int64(c.connection()),
          r -> new Unbind(r.exchange(), r.resource(), r.string(), r.arguments(), r.int64())),
      layout(16, Publish.class,
          (w, c) -> w.string(c.vhost()).message(c.message()),
          r -> new Publish(r.string(), r.message())),
      layout(17, Enqueue.class,
          (w, c) -> w.queues(c.queues()).message(c.message()),
          r -> new Enqueue(r.queues(), r.message())),
      layout(18, Consume.class,
          (w, c) -> w.channel(c.channel()).queue(c.queue()).string(c.consumerTag()).bool(c.noAck()).bool(c.exclusive())
              .int32(c.prefetch()).int32(c.credit()).arguments(c.arguments()),
          r -> new Consume(
              r.channel(), r.queue(), r.string(), r.bool(), r.bool(), r.int32(), r.int32(), r.arguments())),
      layout(19, Cancel.class,
          (w, c) -> w.channel(c.channel()).string(c.consumerTag()),
          r -> new Cancel(r.channel(), r.string())),
      layout(20, Credit.class,
          (w, c) -> w.channel(c.channel()).string(c.consumerTag()).int32(c.credit()),
          r -> new Credit(r.channel(), r.string(), r.int32())),
      layout(21, Get.class,
          (w, c) -> w.channel(c.channel()).queue(c.queue()).bool(c.noAck()),
          r -> new Get(r.channel(), r.queue(), r.bool())),
      layout(22, Settle.class,
          (w, c) -> w.channel(c.channel()).queue(c.queue()).outcome(c.outcome()).longs(c.messageIds()),
          r -> new Settle(r.channel(), r.queue(), r.outcome(), r.longs())),
      layout(23, Restarted.class,
          (w, c) -> w.int64(c.firstLiveConnection()).bool(c.dropTransient()),
          r -> new Restarted(r.int64(), r.bool())),
      layout(24, Command.NodeDown.class,
          (w, c) -> w.int32(c.node()),
          r -> new Command.NodeDown(r.int32())),
      layout(25, Command.Tick.class,
          (w, c) -> { },
          r -> new Command.Tick()),
      layout(26, Command.DeadLetter.class,
          (w, c) -> w.string(c.vhost()).message(c.message()),
          r -> new Command.DeadLetter(r.string(), r.message())),
      layout(27, Command.Relay.class,
          (w, c) -> w.queues(c.queues()).message(c.message()),
          r -> new Command.Relay(r.queues(), r.message())),
      layout(28, Command.Withdraw.class,
          (w, c) -> w.queue(c.name()).int64(c.declarer()),
          r -> new Command.Withdraw(r.queue(), r.int64())),
      // Users, permissions and vhost deletion take 40 and up (policies were added meanwhile from 29).
      layout(40, Command.DeleteVhost.class,
          (w, c) -> w.string(c.vhost()),
          r -> new Command.DeleteVhost(r.string())),
      layout(41, Command.PutUser.class,
          (w, c) -> w.string(c.name()).optionalString(c.passwordHash()).strings(c.tags()),
          r -> new Command.PutUser(r.string(), r.optionalString(), r.strings())),
      layout(42, Command.DeleteUser.class,
          (w, c) -> w.string(c.name()),
          r -> new Command.DeleteUser(r.string())),
      layout(43, Command.ChangePassword.class,
          (w, c) -> w.string(c.name()).string(c.passwordHash()),
          r -> new Command.ChangePassword(r.string(), r.string())),
      layout(44, Command.SetUserTags.class,
          (w, c) -> w.string(c.name()).strings(c.tags()),
          r -> new Command.SetUserTags(r.string(), r.strings())),
      layout(45, Command.SetPermissions.class,
          (w, c) -> w.string(c.user()).string(c.vhost()).string(c.configure()).string(c.write()).string(c.read()),
          r -> new Command.SetPermissions(r.string(), r.string(), r.string(), r.string(), r.string())),
      layout(46, Command.ClearPermissions.class,
          (w, c) -> w.string(c.user()).string(c.vhost()),
          r -> new Command.ClearPermissions(r.string(), r.string())),
      layout(47, Command.SetTopicPermissions.class,
          (w, c) -> w.string(c.user()).string(c.vhost()).string(c.exchange()).string(c.write()).string(c.read()),
          r -> new Command.SetTopicPermissions(r.string(), r.string(), r.string(), r.string(), r.string())),
      layout(48, Command.ClearTopicPermissions.class,
          (w, c) -> w.string(c.user()).string(c.vhost()).optionalString(c.exchange()),
          r -> new Command.ClearTopicPermissions(r.string(), r.string(), r.optionalString())),
      layout(49, Command.AddDefaultUser.class,
          (w, c) -> w.string(c.name()).string(c.passwordHash()),
          r -> new Command.AddDefaultUser(r.string(), r.string())),
      // Policies.
      layout(50, Command.SetPolicy.class,
          (w, c) -> w.string(c.policy().vhost()).string(c.policy().name()).string(c.policy().pattern())
              .string(c.policy().applyTo().wireName()).int32(c.policy().priority()).arguments(c.policy().definition()),
          r -> new Command.SetPolicy(new Policy(r.string(), r.string(), r.string(),
              Policy.ApplyTo.fromWire(r.string()), r.int32(), r.arguments()))),
      layout(51, Command.ClearPolicy.class,
          (w, c) -> w.string(c.vhost()).string(c.name()),
          r -> new Command.ClearPolicy(r.string(), r.string())));

  private static final Map<Class<?>, Layout<?>> BY_TYPE = new HashMap<>();
  private static final Layout<?>[] BY_TAG = new Layout<?>[256];

  static {
    for (Layout<?> l : LAYOUTS) {
      if (BY_TAG[l.tag()] != null || BY_TYPE.put(l.type(), l) != null) {
        throw new IllegalStateException("duplicate command layout: " + l.tag() + " " + l.type().getSimpleName());
      }
      BY_TAG[l.tag()] = l;
    }
  }

  /** The command as a standalone byte array. */
  public static byte[] encode(Command command) {
    ByteBuf out = Unpooled.buffer(128);
    write(out, command);
    return ByteBufUtil.getBytes(out);
  }

  /**
   * The command {@link #encode} wrote.
   *
   * @throws IllegalArgumentException if the bytes are truncated, corrupt or have bytes left over
   */
  public static Command decode(byte[] bytes) {
    BinaryReader in = new BinaryReader(Unpooled.wrappedBuffer(bytes), "command");
    Command command = read(in);
    in.expectEnd();
    return command;
  }

  /**
   * Appends the command, so several can share a buffer.
   *
   * @throws IllegalArgumentException if the command type has no layout or a value cannot be
   *     encoded (an argument of no field table type); the buffer is left as it was
   */
  public static void write(ByteBuf out, Command command) {
    int start = out.writerIndex();
    try {
      write(new BinaryWriter(out), command);
    } catch (RuntimeException e) {
      out.writerIndex(start);
      throw e;
    }
  }

  /**
   * Reads the next command {@link #write} appended.
   *
   * @throws IllegalArgumentException if the input is truncated or corrupt
   */
  public static Command read(ByteBuf in) {
    return read(new BinaryReader(in, "command"));
  }

  static void write(BinaryWriter out, Command command) {
    Layout<?> layout = BY_TYPE.get(command.getClass());
    if (layout == null) {
      throw new IllegalArgumentException("no binary layout for " + command.getClass().getName());
    }
    out.int8(layout.tag());
    writeFields(layout, out, command);
  }

  static Command read(BinaryReader in) {
    int tag = in.int8();
    Layout<?> layout = BY_TAG[tag];
    if (layout == null) {
      throw in.corrupt("unknown command tag " + tag);
    }
    return layout.reader().apply(in);
  }

  private static <T extends Command> void writeFields(Layout<T> layout, BinaryWriter out, Command command) {
    layout.writer().accept(out, layout.type().cast(command));
  }

  private static <T extends Command> Layout<T> layout(
      int tag, Class<T> type, BiConsumer<BinaryWriter, T> writer, Function<BinaryReader, T> reader) {
    return new Layout<>(tag, type, writer, reader);
  }

  /** How one command type is written and read; the reader takes the fields in the writer's order. */
  private record Layout<T extends Command>(
      int tag, Class<T> type, BiConsumer<BinaryWriter, T> writer, Function<BinaryReader, T> reader) {}
}
