-- The lab's data: the shop database, a user for connecting from other hosts, and a read-only
-- grader account. The trigger records, for every order, which node took the write and how big
-- the cluster was at that moment: Galera replicates row images, and replicated rows do not run
-- triggers again, so these columns tell where each write really happened.
CREATE DATABASE shop;
CREATE TABLE shop.orders (
  id           INT AUTO_INCREMENT PRIMARY KEY,
  item         VARCHAR(100) NOT NULL,
  written_on   VARCHAR(64)  NOT NULL DEFAULT '' COMMENT 'node that took the write (trigger)',
  cluster_size INT          NOT NULL DEFAULT 0  COMMENT 'wsrep_cluster_size then (trigger)',
  created_at   TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3)
) ENGINE=InnoDB;
CREATE TRIGGER shop.orders_origin BEFORE INSERT ON shop.orders FOR EACH ROW
  SET NEW.written_on = @@hostname,
      NEW.cluster_size = COALESCE((SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS
                                   WHERE VARIABLE_NAME = 'WSREP_CLUSTER_SIZE'), 0);
CREATE USER 'shop'@'%' IDENTIFIED BY 'shop';
GRANT ALL ON shop.* TO 'shop'@'%';
CREATE USER 'grader'@'%' IDENTIFIED BY 'grader';
GRANT SELECT, INSERT ON shop.* TO 'grader'@'%';
