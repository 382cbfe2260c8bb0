-- The head-office day view (GET /v1/admin/stores/:storeCode/days/:date) counts a refund on the
-- business day it was made at the counter, stamped by the till (refunds.business_date), and by the
-- cashier who asked for it (null: an automatic refund). Refunds stored before this arrive without
-- them: they take their order's day, the best fact there is (as the till's own migration does).
ALTER TABLE order_refunds ADD COLUMN business_date date;
ALTER TABLE order_refunds ADD COLUMN requested_by text;
UPDATE order_refunds r SET business_date = o.business_date FROM orders o WHERE o.id = r.order_id;
CREATE INDEX order_refunds_day ON order_refunds (business_date) WHERE state = 'succeeded';
