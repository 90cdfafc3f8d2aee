-- Sale ids from 9 * 10^18 up belong to the services' start-up warm-up (io.seckill.common.warmup.WarmUpSales):
-- the identity sequence stops below them, so stock-service never assigns one to a real sale.
ALTER TABLE sale ALTER COLUMN sale_id SET MAXVALUE 8999999999999999999;
