-- Several kaifangd on one database: scheduled passes (verify tickets, mail,
-- retention) run in one process at a time, the one holding the pass's
-- lease (store/leases.c, core/lease.h). `until` is the holder's clock in
-- unix seconds; a holder that stops renewing loses the lease when it passes.
CREATE TABLE leases (
    name TEXT PRIMARY KEY,
    holder TEXT NOT NULL,
    until INTEGER NOT NULL
);
