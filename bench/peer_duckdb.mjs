// peer_duckdb: the bench's DuckDB peer, reading the bench CSVs and grouping
// them as a user of DuckDB would (no report written).
//
//     node bench/peer_duckdb.mjs DATA_DIR
//
// Uses @duckdb/node-api from bench/node_modules (bench/setup-peers.sh
// installs it), 2 threads. Amounts are Vietnamese ("1.250,125"), read as
// text and cast to DECIMAL; payments after the as-of date are left out.
// bench/run.sh times it beside the program; it is not part of the program.
// Prints one line: groups and totals, so a run that read nothing shows.
import { DuckDBInstance } from "@duckdb/node-api";
import path from "node:path";

const dir = process.argv[2];
const csv = (name, sep) =>
  `read_csv('${path.join(dir, name)}', delim='${sep}', header=true, all_varchar=true)`;
const amount = (col) => `CAST(replace(replace(${col}, '.', ''), ',', '.') AS DECIMAL(18,3))`;

const db = await DuckDBInstance.create(":memory:", { threads: "2" });
const con = await db.connect();
const reader = await con.runAndReadAll(`
  WITH plan AS (
    SELECT ma_du_an, nguon_von, coalesce(ma_xa, '') AS ma_xa, sum(${amount("ke_hoach")}) AS ke_hoach
    FROM ${csv("ke_hoach_bench.csv", ",")} GROUP BY ALL),
  pay AS (
    SELECT ma_du_an, nguon_von, coalesce(ma_xa, '') AS ma_xa, sum(${amount("giai_ngan")}) AS giai_ngan
    FROM ${csv("giai_ngan_bench.csv", ";")}
    WHERE strptime(ngay, '%d/%m/%Y') <= DATE '2024-12-31' GROUP BY ALL),
  cells AS (
    SELECT * FROM plan FULL JOIN pay USING (ma_du_an, nguon_von, ma_xa))
  SELECT count(*)::VARCHAR, sum(ke_hoach)::VARCHAR, sum(giai_ngan)::VARCHAR FROM cells`);
const [n, planned, paid] = reader.getRows()[0];
// The version beside the figures: DuckDB's speed changes between releases
// (setup-peers.sh installs the newest).
const [[version]] = (await con.runAndReadAll("SELECT version()")).getRows();
console.log(`peer_duckdb: ${n} cells, plan ${planned}, paid ${paid}; DuckDB ${version}`);
