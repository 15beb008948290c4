#!/usr/bin/env bash
# MariaDB and PostgreSQL for the example and the end-to-end tests, from
# Debian's packages, on localhost. Idempotent: installs what is missing,
# starts what is stopped, creates the `meltano` users and databases.
#   scripts/databases.sh start      install + start + users/databases
#   scripts/databases.sh seed       (re)create the example's source tables in MariaDB
#   scripts/databases.sh env        print the settings the example reads
set -euo pipefail
: "${MT_MYSQL_HOST:=127.0.0.1}" "${MT_MYSQL_PORT:=3306}" "${MT_MYSQL_USER:=meltano}" "${MT_MYSQL_PASSWORD:=meltano}"
: "${MT_PG_HOST:=127.0.0.1}" "${MT_PG_PORT:=5432}" "${MT_PG_USER:=meltano}" "${MT_PG_PASSWORD:=meltano}"
say() { printf '\033[1m[databases]\033[0m %s\n' "$*" >&2; }
SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"

install_packages() {
  local missing=()
  command -v mariadbd >/dev/null 2>&1 || [ -x /usr/sbin/mariadbd ] || missing+=(mariadb-server)
  ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 || missing+=(postgresql)
  if [ ${#missing[@]} -gt 0 ]; then
    say "installing ${missing[*]} (apt-get)"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
}

start_mariadb() {
  if ! mariadb-admin --protocol=socket ping >/dev/null 2>&1; then
    say "starting MariaDB"
    $SUDO service mariadb start >/dev/null 2>&1 || $SUDO service mysql start >/dev/null
  fi
  for _ in $(seq 1 30); do mariadb-admin --protocol=socket ping >/dev/null 2>&1 && break; sleep 1; done
  $SUDO mariadb --protocol=socket -e "CREATE USER IF NOT EXISTS '${MT_MYSQL_USER}'@'%' IDENTIFIED BY '${MT_MYSQL_PASSWORD}';
    CREATE USER IF NOT EXISTS '${MT_MYSQL_USER}'@'localhost' IDENTIFIED BY '${MT_MYSQL_PASSWORD}';
    GRANT ALL PRIVILEGES ON *.* TO '${MT_MYSQL_USER}'@'%'; GRANT ALL PRIVILEGES ON *.* TO '${MT_MYSQL_USER}'@'localhost';
    FLUSH PRIVILEGES;"
}

start_postgres() {
  if ! pg_isready -h "$MT_PG_HOST" -p "$MT_PG_PORT" -q 2>/dev/null; then
    say "starting PostgreSQL"
    $SUDO service postgresql start >/dev/null
  fi
  for _ in $(seq 1 30); do pg_isready -h "$MT_PG_HOST" -p "$MT_PG_PORT" -q && break; sleep 1; done
  $SUDO -u postgres psql -q -v ON_ERROR_STOP=1 -c "DO \$\$BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '${MT_PG_USER}') THEN CREATE ROLE ${MT_PG_USER} LOGIN SUPERUSER PASSWORD '${MT_PG_PASSWORD}'; END IF; END\$\$;" >/dev/null 2>&1 \
    || su postgres -c "psql -q -c \"DO \\\$\\\$BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '${MT_PG_USER}') THEN CREATE ROLE ${MT_PG_USER} LOGIN SUPERUSER PASSWORD '${MT_PG_PASSWORD}'; END IF; END\\\$\\\$;\""
  PGPASSWORD="$MT_PG_PASSWORD" psql -h "$MT_PG_HOST" -p "$MT_PG_PORT" -U "$MT_PG_USER" -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname='warehouse'" | grep -q 1 \
    || PGPASSWORD="$MT_PG_PASSWORD" psql -h "$MT_PG_HOST" -p "$MT_PG_PORT" -U "$MT_PG_USER" -d postgres -qc "CREATE DATABASE warehouse"
}

seed() {
  say "seeding MariaDB database 'shop'"
  MYSQL_PWD="$MT_MYSQL_PASSWORD" mariadb -h "$MT_MYSQL_HOST" -P "$MT_MYSQL_PORT" -u "$MT_MYSQL_USER" <<'SQL'
DROP DATABASE IF EXISTS shop;
CREATE DATABASE shop;
USE shop;
CREATE TABLE customers (id INT PRIMARY KEY AUTO_INCREMENT, name VARCHAR(100) NOT NULL, country CHAR(2) NOT NULL);
CREATE TABLE orders (id INT PRIMARY KEY AUTO_INCREMENT, customer_id INT NOT NULL, amount DECIMAL(10,2) NOT NULL, ordered_at DATETIME NOT NULL);
INSERT INTO customers (name, country) VALUES ('Ada', 'GB'), ('Grace', 'US'), ('Linus', 'FI'), ('Margaret', 'US'), ('Tim', 'GB');
INSERT INTO orders (customer_id, amount, ordered_at) VALUES
  (1, 12.50, '2026-11-01 10:00:00'), (2, 99.99, '2026-11-01 11:00:00'), (2, 5.00, '2026-11-02 09:30:00'),
  (3, 42.00, '2026-11-03 14:00:00'), (4, 7.25, '2026-11-04 16:45:00'), (5, 18.00, '2026-11-05 08:15:00');
SQL
}

case "${1:-start}" in
  start) install_packages; start_mariadb; start_postgres; say "MariaDB on ${MT_MYSQL_HOST}:${MT_MYSQL_PORT}, PostgreSQL on ${MT_PG_HOST}:${MT_PG_PORT} (user ${MT_MYSQL_USER})" ;;
  seed) seed ;;
  env) for v in MT_MYSQL_HOST MT_MYSQL_PORT MT_MYSQL_USER MT_MYSQL_PASSWORD MT_PG_HOST MT_PG_PORT MT_PG_USER MT_PG_PASSWORD; do echo "$v=${!v}"; done ;;
  *) echo "usage: $0 start|seed|env" >&2; exit 2 ;;
esac
