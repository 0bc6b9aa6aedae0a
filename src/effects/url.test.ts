import * as E from 'fp-ts/lib/Either.js'
import { describe, expect, it } from 'vitest'
import { parseUrl, redactedUrl } from './url.js'

const ok = (url: string) => {
  const r = parseUrl(url)
  if (E.isLeft(r)) throw new Error(`expected Right for ${url}: ${JSON.stringify(r.left)}`)
  return r.right
}
const err = (url: string): string => {
  const r = parseUrl(url)
  if (E.isRight(r)) throw new Error(`expected Left for ${url}`)
  expect(r.left._tag).toBe('ConfigError')
  return r.left._tag === 'ConfigError' ? r.left.message : ''
}

describe('parseUrl: sqlite', () => {
  it('memory', () => {
    expect(ok('sqlite::memory:')).toStrictEqual({ _tag: 'Sqlite', filename: ':memory:', memory: true, options: {} })
    expect(ok('sqlite:///:memory:')).toMatchObject({ filename: ':memory:', memory: true })
  })
  it('relative and absolute paths', () => {
    expect(ok('sqlite:./app.db')).toMatchObject({ filename: './app.db', memory: false })
    expect(ok('sqlite:data/app.db')).toMatchObject({ filename: 'data/app.db' })
    expect(ok('sqlite:///abs/path/app.db')).toMatchObject({ filename: '/abs/path/app.db' })
    expect(ok('SQLITE:x.db?timeout=10&readonly=1')).toMatchObject({ filename: 'x.db', options: { timeout: '10', readonly: '1' } })
    expect(ok('sqlite:my%20db.sqlite')).toMatchObject({ filename: 'my db.sqlite' })
  })
  it('rejects empty paths and hosts', () => {
    expect(err('sqlite:')).toMatch(/no database path/)
    expect(err('sqlite://host/x.db')).toMatch(/cannot name a host/)
    expect(err('sqlite:%zz')).toMatch(/malformed percent-encoding/)
  })
})

describe('parseUrl: servers', () => {
  it('postgres with everything', () => {
    expect(ok('postgres://app:s3cret@db.example.com:6543/shop?sslmode=require&application_name=x')).toStrictEqual({
      _tag: 'Postgres',
      scheme: 'postgres',
      host: 'db.example.com',
      port: 6543,
      user: 'app',
      password: 's3cret',
      database: 'shop',
      options: { sslmode: 'require', application_name: 'x' },
    })
  })
  it('postgresql alias, defaults, ipv6, encoded parts', () => {
    expect(ok('postgresql://localhost/test')).toMatchObject({ _tag: 'Postgres', scheme: 'postgresql', host: 'localhost', port: undefined, user: undefined, database: 'test' })
    expect(ok('postgres://[::1]:5432/db')).toMatchObject({ host: '::1', port: 5432 })
    expect(ok('postgres://u%40x:p%3Aw%2Fd@h/d%20b')).toMatchObject({ user: 'u@x', password: 'p:w/d', database: 'd b' })
    expect(ok('postgres:///db')).toMatchObject({ host: undefined, database: 'db' })
    expect(ok('postgres://us:pa@ss/w@rd@h:1/db')).toMatchObject({ user: 'us', password: 'pa@ss/w@rd', host: 'h', port: 1 })
  })
  it('mysql and mariadb', () => {
    expect(ok('mysql://root@127.0.0.1:3306/test')).toMatchObject({ _tag: 'Mysql', mariadb: false, user: 'root', password: undefined, port: 3306 })
    expect(ok('mariadb://root:@127.0.0.1/test')).toMatchObject({ _tag: 'Mysql', mariadb: true, password: '' })
  })
  it('names what is wrong', () => {
    expect(err('oracle://x/y')).toMatch(/unknown engine URL scheme "oracle"/)
    expect(err('no scheme here')).toMatch(/no scheme/)
    expect(err('postgres:localhost/db')).toMatch(/must start with postgres:\/\//)
    expect(err('postgres://u:p@h:abc/db')).toMatch(/invalid port "abc"/)
    expect(err('postgres://u:p@h:70000/db')).toMatch(/invalid port "70000"/)
    expect(err('mysql://u:p@h/a/b')).toMatch(/more than one segment/)
    expect(err('mysql://u:p@ho st/db')).toMatch(/invalid host/)
    expect(err('mysql://:p@h/db')).toMatch(/empty user name/)
    expect(err('postgres://u:p@/db')).toMatch(/no host/)
    expect(err('postgres://h/db?x=%zz')).toMatch(/malformed percent-encoding/)
  })
  it('never repeats the password', () => {
    const secrets = ['hunter2', 'p%zzw', 'sEcReT:77']
    const urls = [
      'postgres://u:hunter2@h:abc/db',
      'postgres://u:hunter2@bad host/db',
      'mysql://u:p%zzw@h/db',
      'mysql://u:hunter2@h/a/b',
      'postgres://u:hunter2@h/db?x=%zz',
      'oracle://u:hunter2@h/db',
      'postgres://:sEcReT:77@h/db',
      'postgres://u:sEcReT:77@h:99999/db',
    ]
    for (const u of urls) {
      const m = err(u)
      for (const s of secrets) expect(m).not.toContain(s)
    }
    const c = ok('postgres://u:hunter2@h:5/db')
    expect(redactedUrl(c)).toBe('postgres://u:***@h:5/db')
  })
})
