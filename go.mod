module github.com/logweave/logweave

go 1.26.0
