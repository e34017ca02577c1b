package io.warren.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;

class KeysTest {

  @Property
  void longEncodingOrdersLikeNumbers(@ForAll long a, @ForAll long b) {
    int bytes = Arrays.compareUnsigned(Keys.ofLong(a), Keys.ofLong(b));
    assertThat(Integer.signum(bytes)).isEqualTo(Integer.signum(Long.compare(a, b)));
  }

  @Property
  void longEncodingRoundTrips(@ForAll long a, @ForAll @Size(max = 5) byte[] prefix) {
    byte[] key = Keys.withLong(prefix, a);
    assertThat(Keys.getLong(key, prefix.length)).isEqualTo(a);
    assertThat(Arrays.copyOf(key, prefix.length)).isEqualTo(prefix);
  }

  @Property
  void prefixRangeHoldsExactlyTheKeysWithThatPrefix(
      @ForAll @Size(max = 4) byte[] prefix, @ForAll @Size(max = 6) byte[] key) {
    boolean startsWith =
        key.length >= prefix.length && Arrays.equals(Arrays.copyOf(key, prefix.length), prefix);
    assertThat(KeyRange.prefix(prefix).contains(key)).isEqualTo(startsWith);
  }
}
