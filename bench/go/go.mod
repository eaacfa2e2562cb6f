module nmtemplatebench

go 1.19
