package io.warren.raft;

import io.warren.storage.Keys;

/** A (term, index) pair of the Raft log; {@link #NONE} before anything is applied. */
record LogPosition(long term, long index) {
  static final LogPosition NONE = new LogPosition(0, -1);

  byte[] encode() {
    byte[] out = new byte[16];
    Keys.putLong(out, 0, term);
    Keys.putLong(out, 8, index);
    return out;
  }

  static LogPosition decode(byte[] bytes) {
    return bytes == null ? NONE : new LogPosition(Keys.getLong(bytes, 0), Keys.getLong(bytes, 8));
  }
}
