module nmtemplateoracle

go 1.19
