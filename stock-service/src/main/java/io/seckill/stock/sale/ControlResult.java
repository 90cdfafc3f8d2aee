package io.seckill.stock.sale;

import io.seckill.common.http.ProblemException;
import io.seckill.stock.admin.AdminAudit.Outcome;

/**
 * An operator control's result once committed: the sale before and after it, what the call came to, and the
 * 409 to answer when it was refused (null otherwise).
 */
record ControlResult(Sale before, Sale sale, Outcome outcome, ProblemException refusal) {
}
