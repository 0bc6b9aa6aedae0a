/**
 * The shared query fixture: departments, employees (a manager tree, NULL bonuses, one
 * employee without a department) and a table of awkward words for LIKE.
 *
 * @category testing
 */
import { boolean, date, integer, textColumn, timestamp, varchar } from '../../src/algebra/Column.js'
import { insertInto } from '../../src/algebra/dml.js'
import { table } from '../../src/algebra/Table.js'
import { run, type Harness } from './support.js'

export const dept = table('dept', {
  id: integer().primaryKey(),
  name: varchar(50).notNull().unique(),
})

export const emp = table(
  'emp',
  {
    id: integer().primaryKey(),
    name: varchar(50).notNull(),
    deptId: integer().named('dept_id').references(() => dept.c.id, { onDelete: 'SET NULL' }),
    managerId: integer().named('manager_id'),
    salary: integer().notNull(),
    bonus: integer(),
    hired: date().notNull(),
  },
  (c) => ({ indexes: [{ name: 'ix_emp_dept_salary', columns: [c.deptId, c.salary] }] }),
)

export const events = table('events', {
  id: integer().primaryKey(),
  at: timestamp().notNull(),
  ok: boolean(),
})

export const words = table('words', {
  id: integer().primaryKey(),
  w: textColumn().notNull(),
})

/** Departments: 3 has nobody. */
export const deptRows = [
  { id: 1, name: 'Eng' },
  { id: 2, name: 'Sales' },
  { id: 3, name: 'Empty' },
] as const

/** Employees: Ada manages Bob, Cy, Eve; Cy manages Dee; Eve has no department. */
export const empRows = [
  { id: 1, name: 'Ada', deptId: 1, managerId: null, salary: 300, bonus: 50, hired: '2020-01-01' },
  { id: 2, name: 'Bob', deptId: 1, managerId: 1, salary: 200, bonus: null, hired: '2021-03-15' },
  { id: 3, name: 'Cy', deptId: 2, managerId: 1, salary: 200, bonus: 20, hired: '2021-06-01' },
  { id: 4, name: 'Dee', deptId: 2, managerId: 3, salary: 150, bonus: null, hired: '2022-02-02' },
  { id: 5, name: 'Eve', deptId: null, managerId: 1, salary: 100, bonus: 10, hired: '2023-05-05' },
] as const

/** Words with LIKE metacharacters, quotes, backslashes and mixed case. */
export const wordRows = [
  { id: 1, w: '100%' },
  { id: 2, w: '100x' },
  { id: 3, w: 'a_b' },
  { id: 4, w: 'axb' },
  { id: 5, w: "it's" },
  { id: 6, w: 'back\\slash' },
  { id: 7, w: 'bang!' },
  { id: 8, w: 'bang' },
  { id: 9, w: 'Hello World' },
  { id: 10, w: 'say "hi"' },
  { id: 11, w: '!%_' },
] as const

/** Events: instants around a DST change (America/Los_Angeles, 2024-03-10), one NULL flag. */
export const eventRows = [
  { id: 1, at: new Date('2024-03-10T09:59:59.999Z'), ok: true },
  { id: 2, at: new Date('2024-03-10T10:00:00.000Z'), ok: false },
  { id: 3, at: new Date('2024-03-10T10:00:00.001Z'), ok: null },
]

export const fixtureTables = [dept, emp, words, events]

/** Inserts the fixture rows. */
export const seed = async (h: Harness): Promise<void> => {
  await run(h, insertInto(dept, deptRows))
  await run(h, insertInto(emp, empRows))
  await run(h, insertInto(words, wordRows))
  await run(h, insertInto(events, eventRows))
}
