package io.seckill.gateway.admission;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

/** The purchase body: its fingerprint (what an Idempotency-Key replay is compared by). */
class PurchaseRequestTest {
  @Test
  void fingerprintIgnoresFieldOrderAndSpacing() {
    PurchaseRequest a = PurchaseRequest.parse(Buffer.buffer("{\"quantity\":2,\"token\":\"t\"}"));
    PurchaseRequest b = PurchaseRequest.parse(Buffer.buffer(" { \"token\" : \"t\", \"quantity\" : 2 } "));
    assertThat(a.fingerprint()).isEqualTo(b.fingerprint())
        .isNotEqualTo(PurchaseRequest.parse(Buffer.buffer("{\"quantity\":1,\"token\":\"t\"}")).fingerprint());
  }
}
