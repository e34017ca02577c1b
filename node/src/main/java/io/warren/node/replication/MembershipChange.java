package io.warren.node.replication;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.List;

/**
 * A change to {@link ClusterMembers}, replicated through the metadata group beside the broker's
 * command batches. Its entries start with a marker byte no command batch starts with.
 */
public sealed interface MembershipChange {
  /** The nodes that form the cluster at its first start, and its partition count; applied once. */
  record Form(List<String> members, int partitions) implements MembershipChange {
    public Form {
      members = List.copyOf(members);
    }
  }

  /** An operator lets {@code node} join ({@code warrenctl add_member}). */
  record Admit(String node) implements MembershipChange {}

  /** An admitted node joins and takes the next node index. */
  record Join(String node) implements MembershipChange {}

  /** {@code node} leaves ({@code warrenctl remove_member}), or an admission is withdrawn. */
  record Leave(String node) implements MembershipChange {}

  /** First byte of a membership entry; command batches start with their format (a small number). */
  byte MARKER = 'M';

  static boolean isMembership(byte[] entry) {
    return entry.length > 0 && entry[0] == MARKER;
  }

  default byte[] encode() {
    ByteBuf buf = Unpooled.buffer();
    BinaryWriter out = new BinaryWriter(buf).int8(MARKER);
    if (this instanceof Form f) {
      out.int8(1).int32(f.partitions()).int32(f.members().size());
      f.members().forEach(out::string);
    } else if (this instanceof Admit a) {
      out.int8(2).string(a.node());
    } else if (this instanceof Join j) {
      out.int8(3).string(j.node());
    } else {
      out.int8(4).string(((Leave) this).node());
    }
    byte[] bytes = new byte[buf.readableBytes()];
    buf.readBytes(bytes);
    return bytes;
  }

  static MembershipChange decode(byte[] bytes) {
    BinaryReader in = new BinaryReader(Unpooled.wrappedBuffer(bytes), "membership change");
    in.int8(); // the marker
    int kind = in.int8();
    MembershipChange change = switch (kind) {
      case 1 -> {
        int partitions = in.int32();
        int n = in.length(4, "members");
        String[] members = new String[n];
        for (int i = 0; i < n; i++) {
          members[i] = in.string();
        }
        yield new Form(List.of(members), partitions);
      }
      case 2 -> new Admit(in.string());
      case 3 -> new Join(in.string());
      case 4 -> new Leave(in.string());
      default -> throw in.corrupt("unknown membership change " + kind);
    };
    in.expectEnd();
    return change;
  }
}
