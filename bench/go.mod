module github.com/dictdb-go/dictdb/bench

go 1.26.8

require (
	github.com/benbjohnson/immutable v0.4.3
	github.com/dictdb-go/dictdb v0.0.0-00010101000000-000000000000
	github.com/hashicorp/go-memdb v1.3.5
	github.com/tidwall/buntdb v1.3.0
)

require (
	github.com/hashicorp/go-immutable-radix v1.3.1 // indirect
	github.com/hashicorp/golang-lru v0.5.4 // indirect
	github.com/tidwall/btree v1.4.2 // indirect
	github.com/tidwall/gjson v1.14.3 // indirect
	github.com/tidwall/grect v0.1.4 // indirect
	github.com/tidwall/match v1.1.1 // indirect
	github.com/tidwall/pretty v1.2.0 // indirect
	github.com/tidwall/rtred v0.1.2 // indirect
	github.com/tidwall/tinyqueue v0.1.1 // indirect
	golang.org/x/exp v0.0.0-20220518171630-0b5c67f07fdf // indirect
)

replace github.com/dictdb-go/dictdb => ../
