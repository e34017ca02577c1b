package io.warren.node.replication;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.warren.model.ChannelRef;
import io.warren.model.ClientsSnapshot;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A {@link ClientsSnapshot} as bytes, stored with a partition's snapshot. Lists are a 32-bit count
 * then their items; a consumer reference is its channel and index, or index -1 for "none". Format
 * 2 added each queue's last use (64 bits, after its held messages).
 */
final class ClientsSnapshotCodec {
  /** Bumped when the layout changes. */
  private static final int FORMAT = 2;

  private ClientsSnapshotCodec() {}

  static byte[] encode(ClientsSnapshot s) {
    ByteBuf buf = Unpooled.buffer(256);
    BinaryWriter w = new BinaryWriter(buf).int8(FORMAT);
    list(w, s.connections(), c -> {
      w.int64(c.id()).string(c.vhost());
      list(w, c.channels(), ch -> {
        w.channel(ch.ref()).int32(ch.prefetch()).int32(ch.unacked()).bool(ch.flowActive());
        list(w, ch.consumers(), k -> w.string(k.tag()).queue(k.queue()).bool(k.noAck()).bool(k.exclusive())
            .int32(k.prefetch()).int32(k.credit()).int32(k.unacked()).arguments(k.arguments()).bool(k.cancelled()));
        w.queues(ch.queues());
      });
    });
    list(w, s.queues(), q -> {
      w.queue(q.name()).bool(q.hadConsumer());
      list(w, q.rotation(), r -> consumerRef(w, r));
      list(w, q.held(), h -> {
        w.int64(h.id()).channel(h.channel());
        consumerRef(w, h.consumer());
        w.bool(h.redelivered());
      });
      w.int64(q.lastUsed());
    });
    return ByteBufUtil.getBytes(buf);
  }

  static ClientsSnapshot decode(byte[] bytes) {
    BinaryReader r = new BinaryReader(Unpooled.wrappedBuffer(bytes), "clients snapshot");
    int format = r.int8();
    if (format != FORMAT) {
      throw r.corrupt("unknown format " + format);
    }
    List<ClientsSnapshot.Connection> connections = list(r, () -> new ClientsSnapshot.Connection(r.int64(), r.string(),
        list(r, () -> new ClientsSnapshot.Channel(r.channel(), r.int32(), r.int32(), r.bool(),
            list(r, () -> new ClientsSnapshot.Consumer(r.string(), r.queue(), r.bool(), r.bool(), r.int32(), r.int32(),
                r.int32(), r.arguments(), r.bool())),
            r.queues()))));
    List<ClientsSnapshot.Queue> queues = list(r, () -> new ClientsSnapshot.Queue(r.queue(), r.bool(),
        list(r, () -> consumerRef(r)),
        list(r, () -> new ClientsSnapshot.Held(r.int64(), r.channel(), consumerRef(r), r.bool())), r.int64()));
    r.expectEnd();
    return new ClientsSnapshot(connections, queues);
  }

  private static <T> void list(BinaryWriter w, List<T> items, Consumer<T> each) {
    w.int32(items.size());
    items.forEach(each);
  }

  private static <T> List<T> list(BinaryReader r, Supplier<T> each) {
    int n = r.length(1, "list");
    List<T> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(each.get());
    }
    return out;
  }

  private static void consumerRef(BinaryWriter w, ClientsSnapshot.ConsumerRef ref) {
    if (ref == null) {
      w.channel(new ChannelRef(0, 0)).int32(-1);
    } else {
      w.channel(ref.channel()).int32(ref.index());
    }
  }

  private static ClientsSnapshot.ConsumerRef consumerRef(BinaryReader r) {
    ChannelRef channel = r.channel();
    int index = r.int32();
    return index < 0 ? null : new ClientsSnapshot.ConsumerRef(channel, index);
  }
}
