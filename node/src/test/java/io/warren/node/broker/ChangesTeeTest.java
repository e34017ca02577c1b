package io.warren.node.broker;

import static org.assertj.core.api.Assertions.assertThat;

import io.warren.model.Changes;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ChangesTeeTest {

  /** A method added to Changes but not forwarded would silently stop reaching the topology records. */
  @Test
  void forwardsEveryMethodOfChanges() throws NoSuchMethodException {
    for (Method m : Changes.class.getMethods()) {
      if (Modifier.isStatic(m.getModifiers())) {
        continue;
      }
      Method own = ChangesTee.class.getMethod(m.getName(), m.getParameterTypes());
      assertThat(own.getDeclaringClass()).as(m.getName()).isEqualTo(ChangesTee.class);
    }
    assertThat(Arrays.stream(Changes.class.getMethods()).filter(m -> !Modifier.isStatic(m.getModifiers())))
        .isNotEmpty();
  }
}
